"""Fairness audit: is any group of customers (a language, a channel, a customer tier…)
escalated, refused or answered wrongly more often than the best-served group?

Rates come with Wilson score intervals (95%): a gap is flagged only when it exceeds the
threshold *and* the two groups' intervals do not overlap, so three unlucky turns in a small
segment do not raise an alarm, and a real gap in a large one does. (Written out rather than
taken from fairlearn: its MetricFrame is a group-by over pandas and scikit-learn, some
150 MB of dependencies for the arithmetic below.)"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from frontdesk.monitoring.intervals import wilson

# Which way is better, per rate: fewer escalations and refusals, more correct answers.
LOWER_IS_BETTER = {"escalation_rate": True, "refusal_rate": True, "accuracy": False}


@dataclass(frozen=True, slots=True)
class Observation:
    """One customer turn (or one labelled row) and the segment it belongs to."""

    segment: str
    escalated: bool
    refused: bool
    correct: bool | None = None  # labelled rows only
    latency_ms: float | None = None
    csat: float | None = None  # the conversation's CSAT, on its first turn only


def audit(
    observations: Iterable[Observation], *, threshold: float = 0.1, min_n: int = 5
) -> dict[str, Any]:
    """Per segment: n, rates with intervals, CSAT and latency, and the gap to the best
    segment; ``flagged`` lists gaps above ``threshold`` the intervals confirm."""
    groups: dict[str, list[Observation]] = defaultdict(list)
    for observation in observations:
        groups[observation.segment].append(observation)
    segments = [_segment(value, rows) for value, rows in sorted(groups.items())]
    flagged = []
    for metric, lower in LOWER_IS_BETTER.items():
        rated = [s for s in segments if s[metric] is not None and s["n"] >= min_n]
        if len(rated) < 2:
            continue
        best = (min if lower else max)(rated, key=lambda s: s[metric])
        for segment in rated:
            gap = abs(segment[metric] - best[metric])
            segment["gaps"][metric] = round(gap, 4)
            low, high = segment["intervals"][metric]
            best_low, best_high = best["intervals"][metric]
            separated = low > best_high if lower else high < best_low
            if gap > threshold and separated:
                flagged.append(
                    {
                        "value": segment["value"],
                        "metric": metric,
                        "gap": round(gap, 4),
                        "best": best["value"],
                    }
                )
    for segment in segments:
        segment["gap"] = max(segment["gaps"].values(), default=0.0)
    return {"segments": segments, "flagged": flagged, "threshold": threshold, "min_n": min_n}


def _segment(value: str, rows: list[Observation]) -> dict[str, Any]:
    n = len(rows)
    escalated = sum(r.escalated for r in rows)
    refused = sum(r.refused for r in rows)
    labelled = [r.correct for r in rows if r.correct is not None]
    csat = [r.csat for r in rows if r.csat is not None]
    latency = sorted(r.latency_ms for r in rows if r.latency_ms is not None)
    intervals = {
        "escalation_rate": _rounded(wilson(escalated, n)),
        "refusal_rate": _rounded(wilson(refused, n)),
    }
    if labelled:
        intervals["accuracy"] = _rounded(wilson(sum(labelled), len(labelled)))
    return {
        "value": value,
        "n": n,
        "escalation_rate": round(escalated / n, 4),
        "refusal_rate": round(refused / n, 4),
        "accuracy": round(sum(labelled) / len(labelled), 4) if labelled else None,
        "csat_mean": round(statistics.fmean(csat), 3) if csat else None,
        "csat_n": len(csat),
        "p50_ms": round(statistics.median(latency), 1) if latency else None,
        "intervals": intervals,
        "gaps": {},
    }


def _rounded(interval: tuple[float, float]) -> tuple[float, float]:
    return (round(interval[0], 4), round(interval[1], 4))
