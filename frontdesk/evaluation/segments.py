"""Observations for the fairness audit, from stored turns or from labelled rows, grouped
by one field: ``language``, ``channel``, ``release``, ``kind`` (labelled rows) or any key
of the conversation's metadata (``tier`` or ``metadata.tier``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from frontdesk.evaluation.fairness import Observation
from frontdesk.evaluation.scoring import RowResult
from frontdesk.storage.db import Database
from frontdesk.storage.repos import segments as repo
from frontdesk.storage.repos.segments import TurnFacts
from frontdesk.storage.tables import utcnow

MAX_TURNS = 200_000
UNKNOWN = "(none)"


def from_turns(database: Database, tenant_id: str, field: str, days: float) -> list[Observation]:
    """The tenant's assistant turns of the last ``days`` (small talk left out: a greeting
    is neither a success nor a failure), with each conversation's CSAT once."""
    since = utcnow() - timedelta(days=days)
    with database.transaction() as session:
        turns = repo.assistant_turns(session, tenant_id, since, MAX_TURNS)
        csat = repo.csat_by_conversation(session, tenant_id, since)
    observations, rated = [], set()
    for turn in reversed(turns):  # oldest first: the CSAT goes on a conversation's first turn
        if turn.details.get("route") == "smalltalk" or turn.outcome is None:
            continue
        score = None
        if turn.conversation_id in csat and turn.conversation_id not in rated:
            score = csat[turn.conversation_id]
            rated.add(turn.conversation_id)
        observations.append(
            Observation(
                segment=_value(turn, field),
                escalated=turn.outcome == "handoff",
                refused=turn.outcome == "refused",
                latency_ms=sum(float(s.get("duration_ms", 0.0)) for s in turn.trace),
                csat=score,
            )
        )
    return observations


def from_results(results: Sequence[RowResult], field: str) -> list[Observation]:
    """Labelled rows answered by ``frontdesk eval``'s runner: grouped by ``lang`` for
    ``language``, else by ``kind``."""
    observations = []
    for result in results:
        segment = result.row.lang if field == "language" else result.row.kind
        outcome = result.reply.outcome
        observations.append(
            Observation(
                segment=segment or UNKNOWN,
                escalated=outcome in ("handoff", "queued"),
                refused=outcome == "refused",
                correct=result.correct,
                latency_ms=result.reply.latency_ms,
            )
        )
    return observations


def _value(turn: TurnFacts, field: str) -> str:
    if field == "language":
        value = turn.details.get("language")
    elif field == "channel":
        value = turn.channel
    elif field == "release":
        value = turn.release_id
    else:
        value = turn.metadata.get(field.removeprefix("metadata."))
    return str(value) if value else UNKNOWN
