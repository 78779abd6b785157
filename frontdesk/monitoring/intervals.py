"""Confidence intervals for the rates Frontdesk watches (rollback triggers, alerts, the
fairness audit): one implementation, so they all judge a rate the same way."""

from __future__ import annotations

import math

Z95 = 1.959964  # two-sided 95%


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``successes / n``: sound at small n and at rates near
    0 or 1, where the normal approximation is not. ``(0, 1)`` when ``n`` is 0."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))
