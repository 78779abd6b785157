"""The public JSON shape of a turn: the API's response body and the payload of live
events, defined once below both so the agent console reads the same fields from each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from frontdesk.domain.conversation import Turn


class StagePublic(BaseModel):
    name: str
    duration_ms: float
    scores: dict[str, float] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)
    detail: dict[str, Any] = Field(default_factory=dict)


class CitationPublic(BaseModel):
    number: int
    document_id: str | None = None
    chunk_id: str
    title: str
    url: str | None = None
    score: float = 0.0


class RelatedArticlePublic(BaseModel):
    """A help-center article close to a question the assistant declined."""

    title: str
    url: str | None = None
    document_id: str | None = Field(None, description="The external id where the source gave one.")


class TurnPublic(BaseModel):
    id: str
    conversation_id: str
    seq: int
    role: str
    text: str
    outcome: str | None
    confidence: float | None = None
    escalation_reason: str | None = None
    intent: str | None = None
    intent_confidence: float | None = None
    out_of_scope: bool | None = None
    route: str | None = None
    language: str | None = Field(
        None,
        description="ISO 639-1 language of the customer's message (on a reply: of "
        "the message it answers).",
    )
    reply_language: str | None = Field(
        None, description="ISO 639-1 language the reply was written in (assistant turns)."
    )
    flags: list[str] = Field(
        default_factory=list, description="Every stage's flags, as 'stage:flag'."
    )
    guard_flags: dict[str, list[str]] = Field(
        default_factory=dict, description="The input and output guards' flags."
    )
    cache: str = Field(
        "miss",
        description="Whether the answer came from the answer cache: miss, exact or "
        "semantic (a paraphrase, re-verified).",
    )
    in_reply_to: str | None
    release_id: str | None
    citations: list[CitationPublic]
    related_articles: list[RelatedArticlePublic] = Field(
        default_factory=list,
        description="On a decline for want of evidence (outcome no_answer): up to 3 "
        "help-center articles close to the question, best first, one per document; "
        "empty otherwise.",
    )
    trace: list[StagePublic]
    created_at: datetime

    @classmethod
    def of(cls, turn: Turn) -> TurnPublic:
        return cls(
            id=turn.id,
            conversation_id=turn.conversation_id,
            seq=turn.seq,
            role=turn.speaker.value,
            text=turn.text,
            outcome=turn.outcome.value if turn.outcome else None,
            confidence=turn.details.get("confidence"),
            escalation_reason=turn.details.get("escalation_reason"),
            intent=turn.details.get("intent"),
            intent_confidence=turn.details.get("intent_confidence"),
            out_of_scope=turn.details.get("out_of_scope"),
            route=turn.details.get("route"),
            language=turn.details.get("language"),
            reply_language=turn.details.get("reply_language"),
            flags=list(turn.details.get("flags", [])),
            guard_flags=_guard_flags(turn),
            cache=str(turn.details.get("cache", "miss")),
            in_reply_to=turn.in_reply_to,
            release_id=turn.release_id,
            citations=[CitationPublic(**c) for c in turn.citations],
            related_articles=[
                RelatedArticlePublic(
                    title=r["title"], url=r.get("url"), document_id=r.get("document_id")
                )
                for r in turn.details.get("related_articles") or []
            ],
            trace=[StagePublic(**s) for s in turn.trace],
            created_at=turn.created_at,
        )


# What the guards found stays with staff: a customer (the widget key is public) who sees
# how close a message came to the injection or abuse threshold can tune the next one.
GUARD_STAGES = frozenset({"input_guard", "output_guard"})
GUARD_SCORES = frozenset({"injection_score", "abuse_score"})


def _is_guard_stage(stage: StagePublic) -> bool:
    return stage.name in GUARD_STAGES or bool(GUARD_SCORES & set(stage.scores))


def for_customer(turn: TurnPublic) -> TurnPublic:
    """``turn`` as the widget role sees it: no guard stage on the trace, no guard flags."""
    guards = {stage.name for stage in turn.trace if _is_guard_stage(stage)} | GUARD_STAGES
    return turn.model_copy(
        update={
            "trace": [stage for stage in turn.trace if stage.name not in guards],
            "flags": [flag for flag in turn.flags if flag.split(":", 1)[0] not in guards],
            "guard_flags": {},
        }
    )


def _guard_flags(turn: Turn) -> dict[str, list[str]]:
    if turn.speaker.value != "assistant":
        return {}
    by_stage = {str(stage.get("name")): list(stage.get("flags", [])) for stage in turn.trace}
    return {
        "input": by_stage.get("input_guard", []),
        "output": by_stage.get("output_guard", []),
    }
