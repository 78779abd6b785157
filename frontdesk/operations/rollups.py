"""What each stored turn and feedback adds to the rollups (per hour, day and month).

Counters are named; ``count`` counts events and ``total`` sums a value:

- ``turns``, ``conversations``, ``outcome:<outcome>``, ``errors``;
- ``latency_ms`` (total = summed milliseconds) and ``latency:<bucket>`` (a histogram
  whose buckets grow by 5%, so a percentile read from it is within 5% of the exact one);
- ``stage_ms:<stage>``, ``confidence`` and ``confidence:<decile>``;
- ``escalation:<reason>``, ``safety`` (turns with any trigger) and ``safety:<kind>``;
- ``tokens``, ``cost``, ``cache_hit`` (an LLM provider's prompt cache);
- ``answer_cache:exact``, ``answer_cache:semantic`` (replies served from the answer cache);
- ``thumbs:up``, ``thumbs:down``, ``csat`` and ``csat:<score>`` (a changed rating
  counts once, as its latest value).

They are added in the transaction that stores the turn, so the rollups are exact and
the same on every replica.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Outcome, Turn
from frontdesk.domain.handoff import Feedback
from frontdesk.storage.repos import stats as repo

LATENCY_RATIO = 1.05
NO_RELEASE = ""
# Routine guard work that is not a safety incident.
_NOT_SAFETY = frozenset({"pii_redacted"})


def latency_bucket(ms: float) -> int:
    return max(0, math.ceil(math.log(max(ms, 1.0)) / math.log(LATENCY_RATIO)))


def bucket_upper_ms(bucket: int) -> float:
    return float(LATENCY_RATIO**bucket)


def safety_kinds(turn: Turn) -> list[str]:
    """Why a turn counts as a safety trigger: guard flags (not routine PII redaction),
    and refusals or handoffs for safety."""
    kinds: list[str] = []
    for stage in turn.trace:
        name = str(stage.get("name", ""))
        if "guard" not in name:
            continue
        flags = stage.get("flags")
        for flag in flags if isinstance(flags, list) else []:
            if str(flag) not in _NOT_SAFETY and str(flag) != "error":
                kinds.append(f"{name}:{flag}")
    if turn.outcome is Outcome.REFUSED:
        kinds.append("refused")
    elif turn.details.get("escalation_reason") == "safety":
        kinds.append("safety_handoff")
    return sorted(set(kinds))


def is_error(turn: Turn) -> bool:
    """A stage failed (the runner flags it ``error``) or the reply fell back for an error."""
    if turn.details.get("escalation_reason") == "error":
        return True
    return any("error" in _flags(stage) for stage in turn.trace)


def turn_increments(turn: Turn) -> dict[str, tuple[int, float]]:
    """The counters one assistant turn adds."""
    tally: dict[str, tuple[int, float]] = {}

    def bump(name: str, total: float = 0.0) -> None:
        count, summed = tally.get(name, (0, 0.0))
        tally[name] = (count + 1, summed + total)

    bump("turns")
    if turn.seq <= 2:  # the reply to a conversation's first message
        bump("conversations")
    bump(f"outcome:{turn.outcome.value if turn.outcome else 'none'}")
    latency = sum(float(stage.get("duration_ms", 0.0)) for stage in turn.trace)
    if turn.trace:
        bump("latency_ms", latency)
        bump(f"latency:{latency_bucket(latency):03d}")
    for stage in turn.trace:
        bump(f"stage_ms:{stage.get('name')}", float(stage.get("duration_ms", 0.0)))
        _llm_usage(stage, bump)
        if "cache_hit" in _flags(stage):
            bump("cache_hit")
    if turn.details.get("cache") in ("exact", "semantic"):
        bump(f"answer_cache:{turn.details['cache']}")
    confidence = turn.details.get("confidence")
    if isinstance(confidence, int | float):
        bump("confidence", float(confidence))
        bump(f"confidence:{min(int(float(confidence) * 10), 9)}")
    if turn.outcome is Outcome.HANDOFF:
        bump(f"escalation:{turn.details.get('escalation_reason') or 'unknown'}")
    kinds = safety_kinds(turn)
    if kinds:
        bump("safety")
        for kind in kinds:
            bump(f"safety:{kind}")
    if is_error(turn):
        bump("errors")
    return tally


def record_turn(session: Session, tenant_id: str, turn: Turn) -> None:
    """Add an assistant turn to its hour's, day's and month's rollups (in the caller's
    transaction)."""
    repo.add(
        session,
        tenant_id,
        turn.release_id or NO_RELEASE,
        turn.created_at,
        turn_increments(turn),
    )


def feedback_increments(feedback: Feedback) -> dict[str, tuple[int, float]]:
    if feedback.kind == "thumbs":
        return {f"thumbs:{'up' if feedback.value > 0 else 'down'}": (1, 0.0)}
    return {"csat": (1, float(feedback.value)), f"csat:{feedback.value}": (1, 0.0)}


def record_feedback(
    session: Session, tenant_id: str, feedback: Feedback, replaced: Iterable[Feedback] = ()
) -> None:
    """Count ``feedback`` and take back what the ratings it ``replaced`` had added (in
    their own hours), so a changed rating counts once, as its latest value."""
    for old in replaced:
        taken_back = {name: (-c, -t) for name, (c, t) in feedback_increments(old).items()}
        repo.add(session, tenant_id, old.release_id or NO_RELEASE, old.created_at, taken_back)
    release = feedback.release_id or NO_RELEASE
    repo.add(session, tenant_id, release, feedback.created_at, feedback_increments(feedback))


def _flags(stage: dict[str, Any]) -> list[str]:
    flags = stage.get("flags")
    return [str(f) for f in flags] if isinstance(flags, list) else []


def _llm_usage(stage: dict[str, Any], bump: Callable[[str, float], None]) -> None:
    scores = stage.get("scores")
    if not isinstance(scores, dict):
        return
    tokens = sum(float(scores.get(key) or 0) for key in ("prompt_tokens", "completion_tokens"))
    if tokens > 0:
        bump("tokens", tokens)
    cost = scores.get("cost")
    if isinstance(cost, int | float) and cost > 0:
        bump("cost", float(cost))


def rebuild(session: Session, tenant_id: str, start: datetime, end: datetime) -> int:
    """Recompute the tenant's counters of ``[start, end)`` (whole hours) from the stored
    turns and feedback: for data stored before the rollups existed, or to check them.
    Idempotent. Returns how many assistant turns it counted."""
    repo.clear(session, tenant_id, start, end)
    sums: dict[tuple[datetime, str], dict[str, tuple[int, float]]] = {}

    def merge(moment: datetime, release: str, increments: dict[str, tuple[int, float]]) -> None:
        into = sums.setdefault((repo.hour_of(moment), release), {})
        for name, (count, total) in increments.items():
            old_count, old_total = into.get(name, (0, 0.0))
            into[name] = (old_count + count, old_total + total)

    turns = 0
    for turn in repo.assistant_turns(session, tenant_id, start, end):
        merge(turn.created_at, turn.release_id or NO_RELEASE, turn_increments(turn))
        turns += 1
    for feedback in repo.feedback(session, tenant_id, start, end):
        merge(feedback.created_at, feedback.release_id or NO_RELEASE, feedback_increments(feedback))
    for (hour, release), increments in sums.items():
        repo.add(session, tenant_id, release, hour, increments, monthly=False)
    repo.refresh_months(session, tenant_id, start, end)
    return turns
