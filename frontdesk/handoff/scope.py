"""Which customer messages were not questions for the knowledge: small talk, out of
scope, injection attempts, abuse. Read from what the pipeline recorded on the reply
(route, intent, flags, outcome), so FAQ suggestions never draft an entry from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from frontdesk.domain.conversation import Outcome, Speaker, Turn

# Input guard findings: the message was an attack or abuse, not a question.
_GUARD_FLAGS = ("input_guard:injection", "input_guard:abuse")


def not_a_question(details: Mapping[str, Any], outcome: str | None = None) -> str | None:
    """Why the customer message a reply with these ``details`` answered was no question
    for the knowledge (``smalltalk``, ``out_of_scope``, ``injection``, ``abuse``,
    ``refused``), or ``None`` when it was one."""
    route = details.get("route")
    if route not in (None, "answer"):
        return str(route)  # smalltalk, or a route an intent sends elsewhere
    flags = [str(f) for f in details.get("flags") or ()]
    if details.get("out_of_scope") or details.get("intent") == "out_of_scope":
        return "out_of_scope"
    if any(f.endswith(":out_of_scope") for f in flags):
        return "out_of_scope"
    for flag in _GUARD_FLAGS:
        if flag in flags:
            return flag.split(":", 1)[1]
    if outcome == Outcome.REFUSED.value:
        return "refused"
    return None


def questions_in(turns: Iterable[Turn]) -> list[Turn]:
    """The customer turns of a conversation that were questions: each one whose reply
    says it was small talk, out of scope or an attack is left out (a customer turn with
    no assistant reply, written to an agent, stays)."""
    ordered = list(turns)
    replies = {
        t.in_reply_to: t for t in ordered if t.speaker == Speaker.ASSISTANT and t.in_reply_to
    }
    kept = []
    for turn in ordered:
        if turn.speaker != Speaker.CUSTOMER:
            continue
        reply = replies.get(turn.id)
        outcome = reply.outcome.value if reply is not None and reply.outcome else None
        if reply is None or not_a_question(reply.details, outcome) is None:
            kept.append(turn)
    return kept
