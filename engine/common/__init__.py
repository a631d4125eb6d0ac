"""What every stage shares: problems and their codes, the one date parser, the one table of limits."""
