"""One router per resource: checks, scenarios, organisations, states, the matrix, health."""
