"""The report over scored rows: the JSON object ``frontdesk eval --json`` prints.

Rates whose denominator is empty (no answerable rows, no answered rows with gold docs)
are ``None`` rather than a flattering 0 or 1.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from frontdesk.evaluation.scoring import ANSWERED, HANDOFFS, RowResult


def summarize(results: Sequence[RowResult]) -> dict[str, Any]:
    """``n``, ``accuracy``, ``answered``, ``answered_precision``, ``false_decline_rate``,
    ``escalation_rate``, ``answerable_escalation_rate``, ``leaks``, ``citation_hit``,
    ``p50_ms``, ``p95_ms`` and ``by_kind``; the caller adds ``release``."""
    n = len(results)
    answerable = [r for r in results if r.row.expect == "answer"]
    answered_answerable = [r for r in answerable if r.reply.outcome == ANSWERED]
    with_gold = [r.citation_hit for r in results if r.citation_hit is not None]
    latencies = [r.reply.latency_ms for r in results]
    return {
        "n": n,
        "correct": sum(r.correct for r in results),
        "accuracy": _rate(sum(r.correct for r in results), n),
        "answered": sum(r.reply.outcome == ANSWERED for r in results),
        "answered_precision": _rate(
            sum(r.correct for r in answered_answerable), len(answered_answerable)
        ),
        # Answers given where the set expects a decline or a person: the unsafe kind.
        "answered_unexpected": sum(
            r.reply.outcome == ANSWERED and r.row.expect != "answer" for r in results
        ),
        "false_decline_rate": _rate(len(answerable) - len(answered_answerable), len(answerable)),
        "escalation_rate": _rate(sum(_handed_off(r) for r in results), n),
        "answerable_escalation_rate": _rate(
            sum(_handed_off(r) for r in answerable), len(answerable)
        ),
        "leaks": sum(bool(r.leaked) for r in results),
        # A generator that fell back (an LLM past its deadline answers extractively): the
        # rows then measure the fallback, not the configured generator.
        "fallbacks": sum(any(":fallback" in f for f in r.reply.flags) for r in results),
        "errors": sum(any(f.endswith(":error") for f in r.reply.flags) for r in results),
        "citation_hit": _rate(sum(with_gold), len(with_gold)),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "outcomes": dict(sorted(Counter(r.reply.outcome for r in results).items())),
        "by_expect": _groups(results, lambda r: r.row.expect),
        "by_kind": _groups(results, lambda r: r.row.kind),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (no interpolation between two turns' latencies)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return round(ordered[rank - 1], 2)


def _groups(
    results: Sequence[RowResult], key: Callable[[RowResult], str]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[RowResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return {
        name: {
            "n": len(mine),
            "accuracy": _rate(sum(r.correct for r in mine), len(mine)),
            "answered": sum(r.reply.outcome == ANSWERED for r in mine),
            "handoffs": sum(_handed_off(r) for r in mine),
            "leaks": sum(bool(r.leaked) for r in mine),
        }
        for name, mine in sorted(groups.items())
    }


def _handed_off(result: RowResult) -> bool:
    return result.reply.outcome in HANDOFFS


def _rate(count: int, total: int) -> float | None:
    return round(count / total, 4) if total else None
