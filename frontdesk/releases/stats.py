"""Live comparison figures of one arm of a rollout, with confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from frontdesk.domain.release import Observation
from frontdesk.monitoring.intervals import wilson

Z95 = 1.96


@dataclass(frozen=True, slots=True)
class Feedback:
    thumbs_up: int = 0
    thumbs_down: int = 0
    csat_sum: int = 0
    csat_n: int = 0


@dataclass(frozen=True, slots=True)
class ArmStats:
    turns: int
    errors: int
    error_rate: float | None
    error_rate_ci: tuple[float, float] | None
    p50_ms: float | None
    p95_ms: float | None
    mean_confidence: float | None
    mean_confidence_ci: tuple[float, float] | None
    confidence_sd: float | None
    escalation_rate: float | None
    safety_triggers: int
    safety_rate: float | None
    agreement: float | None  # shadow: same outcome as production
    same_top_citation: float | None  # shadow: same first citation as production
    thumbs_up: int
    thumbs_down: int
    csat: float | None
    csat_n: int
    needed: int  # turns still needed before the triggers may judge this arm

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("error_rate_ci", "mean_confidence_ci"):
            if data[key] is not None:
                data[key] = [round(v, 4) for v in data[key]]
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()}


def arm_stats(
    seen: Sequence[Observation], min_sample: int, feedback: Feedback | None = None
) -> ArmStats:
    n = len(seen)
    feedback = feedback or Feedback()
    errors = sum(o.error for o in seen)
    safety = sum(o.safety for o in seen)
    confidences = [o.confidence for o in seen]
    mean, sd = _mean_sd(confidences)
    shadowed = [o for o in seen if o.agrees is not None]
    cited = [o for o in seen if o.same_citation is not None]
    latencies = sorted(o.latency_ms for o in seen)
    return ArmStats(
        turns=n,
        errors=errors,
        error_rate=_rate(errors, n),
        error_rate_ci=wilson(errors, n) if n else None,
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        mean_confidence=mean,
        mean_confidence_ci=None
        if mean is None or sd is None
        else (mean - Z95 * sd / math.sqrt(n), mean + Z95 * sd / math.sqrt(n)),
        confidence_sd=sd,
        escalation_rate=_rate(sum(o.outcome == "handoff" for o in seen), n),
        safety_triggers=safety,
        safety_rate=_rate(safety, n),
        agreement=_rate(sum(bool(o.agrees) for o in shadowed), len(shadowed)),
        same_top_citation=_rate(sum(bool(o.same_citation) for o in cited), len(cited)),
        thumbs_up=feedback.thumbs_up,
        thumbs_down=feedback.thumbs_down,
        csat=None if not feedback.csat_n else feedback.csat_sum / feedback.csat_n,
        csat_n=feedback.csat_n,
        needed=max(0, min_sample - n),
    )


def percentile(ordered: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile of already sorted values."""
    if not ordered:
        return None
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def _mean_sd(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, None
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(variance)


def _rate(count: int, n: int) -> float | None:
    return None if n == 0 else count / n
