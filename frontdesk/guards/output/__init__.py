"""Output checks: citations, grounding, leaks, business rules."""
