"""Rendering: answers as JSON (byte for byte what HTTP serves) and as text for people."""
