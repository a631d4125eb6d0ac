"""Compilation: timelines, history, the facts projected on a date, checks, the rulebook, the World.

Everything here is built once (at start-up, or per what-if as a thin layer over the baseline) and
then only read: evaluation asks compiled checks for bitsets over every state at once.
"""
