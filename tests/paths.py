"""Where the tests find the repository's own files (the installed package finds its data itself)."""

from __future__ import annotations

from pathlib import Path

#: The repository root: tests run from a checkout.
ROOT = Path(__file__).resolve().parent.parent
