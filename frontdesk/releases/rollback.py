"""When a candidate is withdrawn automatically: the rollback triggers.

Each trigger compares the candidate with production over the same window (the newest
``window`` turns of each arm) once both have ``min_sample`` turns, and fires only when
the difference is clear, not a fluctuation of a small sample: the lower confidence bound
(z = 3, about 1 in 740 one-sided) of the error rate, of the confidence drop and of the
safety-rate increase must be past the limit. Checked every second, a looser test would
sooner or later withdraw an identical candidate. The seed's limits are the defaults; a
rollout may set its own.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from frontdesk.monitoring.intervals import wilson
from frontdesk.releases.stats import ArmStats

Z_CLEAR = 3.0


class RollbackTriggers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_error_rate: float = Field(0.05, gt=0, le=1)
    max_p95_increase: float = Field(0.5, gt=0, description="0.5: p95 more than 50% above")
    max_confidence_drop: float = Field(0.10, gt=0, le=1, description="relative drop")
    max_safety_increase: float = Field(0.01, gt=0, le=1, description="absolute, 0.01 = 1 pt")
    min_sample: int = Field(50, ge=10, le=100_000)
    window: int = Field(500, ge=10, le=100_000)


def fired(
    candidate: ArmStats, production: ArmStats, limits: RollbackTriggers, *, latency: bool = True
) -> dict[str, Any] | None:
    """The first trigger that fires, with its figures; None while the candidate holds."""
    if candidate.turns < limits.min_sample:
        return None
    low, _high = wilson(candidate.errors, candidate.turns, Z_CLEAR)
    if low > limits.max_error_rate:
        return {
            "trigger": "error_rate",
            "candidate": candidate.error_rate,
            "limit": limits.max_error_rate,
            "turns": candidate.turns,
        }
    if production.turns < limits.min_sample:
        return None  # the relative triggers need production's figures too
    if latency and _slower(candidate, production, limits):
        return {
            "trigger": "latency_p95",
            "candidate_p95_ms": candidate.p95_ms,
            "production_p95_ms": production.p95_ms,
            "limit": 1 + limits.max_p95_increase,
        }
    if _less_confident(candidate, production, limits):
        return {
            "trigger": "confidence",
            "candidate": candidate.mean_confidence,
            "production": production.mean_confidence,
            "limit": limits.max_confidence_drop,
        }
    if _less_safe(candidate, production, limits):
        return {
            "trigger": "safety_rate",
            "candidate": candidate.safety_rate,
            "production": production.safety_rate,
            "limit": limits.max_safety_increase,
        }
    return None


def _slower(candidate: ArmStats, production: ArmStats, limits: RollbackTriggers) -> bool:
    c95, p95, c50, p50 = candidate.p95_ms, production.p95_ms, candidate.p50_ms, production.p50_ms
    if c95 is None or p95 is None or c50 is None or p50 is None:
        return False
    # The median must be slower too: one slow tail in production's window is no reason.
    return c95 > (1 + limits.max_p95_increase) * p95 and c50 > p50


def _less_confident(candidate: ArmStats, production: ArmStats, limits: RollbackTriggers) -> bool:
    c, p = candidate.mean_confidence, production.mean_confidence
    if c is None or p is None or p <= 0:
        return False
    se = math.sqrt(
        (candidate.confidence_sd or 0) ** 2 / candidate.turns
        + (production.confidence_sd or 0) ** 2 / production.turns
    )
    return (p - c) - Z_CLEAR * se > limits.max_confidence_drop * p


def _less_safe(candidate: ArmStats, production: ArmStats, limits: RollbackTriggers) -> bool:
    c, p = candidate.safety_rate, production.safety_rate
    if c is None or p is None:
        return False
    se = math.sqrt(c * (1 - c) / candidate.turns + p * (1 - p) / production.turns)
    return (c - p) - Z_CLEAR * se > limits.max_safety_increase
