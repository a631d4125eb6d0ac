"""Benchmarks (``make bench``): reproducible, seeded, each figure next to a baseline from the same run."""
