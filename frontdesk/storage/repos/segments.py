"""The facts a fairness audit groups: each assistant turn of a tenant since a time, with
its conversation's channel and metadata, and each conversation's CSAT."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.storage.tables import ConversationRow, FeedbackRow, TurnRow


@dataclass(frozen=True, slots=True)
class TurnFacts:
    conversation_id: str
    outcome: str | None
    release_id: str | None
    details: dict[str, Any]
    trace: list[dict[str, Any]]
    channel: str
    metadata: dict[str, Any]


def assistant_turns(
    session: Session, tenant_id: str, since: datetime, limit: int
) -> list[TurnFacts]:
    rows = session.execute(
        select(
            TurnRow.conversation_id,
            TurnRow.outcome,
            TurnRow.release_id,
            TurnRow.details,
            TurnRow.trace,
            ConversationRow.channel,
            ConversationRow.metadata_,
        )
        .join(ConversationRow, ConversationRow.id == TurnRow.conversation_id)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.speaker == "assistant",
            TurnRow.created_at >= since,
        )
        .order_by(TurnRow.created_at.desc())
        .limit(limit)
    )
    return [
        TurnFacts(
            str(r[0]), r[1], r[2], dict(r[3] or {}), list(r[4] or []), str(r[5]), dict(r[6] or {})
        )
        for r in rows
    ]


def csat_by_conversation(session: Session, tenant_id: str, since: datetime) -> dict[str, float]:
    """Each conversation's latest CSAT score."""
    rows = session.execute(
        select(FeedbackRow.conversation_id, FeedbackRow.value)
        .where(
            FeedbackRow.tenant_id == tenant_id,
            FeedbackRow.kind == "csat",
            FeedbackRow.created_at >= since,
        )
        .order_by(FeedbackRow.created_at)
    )
    return {str(conversation): float(value) for conversation, value in rows}
