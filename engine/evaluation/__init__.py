"""Evaluation: decision tallies, one verdict with the combining rule, the matrix sweep, world reads."""
