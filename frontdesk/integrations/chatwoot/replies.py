"""What Frontdesk posts back to a Chatwoot conversation, as a list of REST calls
(``{"path", "body"}``, path below the account) stored with the customer's message until
each one is delivered: an answer with its sources as Markdown links (Chatwoot renders
Markdown), or for a handoff the reply the customer sees, a private note for the agents
with Frontdesk's summary and reason, and the status ``open`` that gives the conversation
to a person."""

from __future__ import annotations

from typing import Any

from frontdesk.domain.conversation import Outcome, Turn
from frontdesk.domain.handoff import Ticket

Action = dict[str, Any]


def message(conversation: int, content: str, *, private: bool = False) -> Action:
    return {
        "path": f"/conversations/{conversation}/messages",
        "body": {
            "content": content,
            "message_type": "outgoing",
            "private": private,
            "content_type": "text",
        },
    }


def toggle_status(conversation: int, status: str) -> Action:
    return {"path": f"/conversations/{conversation}/toggle_status", "body": {"status": status}}


def with_sources(turn: Turn) -> str:
    """The answer and its numbered sources, each a link where the source has a URL."""
    if not turn.citations:
        return turn.text
    lines = []
    for citation in turn.citations:
        title = str(citation.get("title") or "source").replace("[", "(").replace("]", ")")
        url = citation.get("url")
        lines.append(f"{citation.get('number')}. " + (f"[{title}]({url})" if url else title))
    return turn.text + "\n\nSources:\n" + "\n".join(lines)


def handoff_note(turn: Turn, ticket: Ticket | None) -> str:
    reason = (ticket.reason if ticket else None) or turn.details.get("escalation_reason")
    parts = [f"Frontdesk handed this conversation to a person. Reason: {reason or 'unknown'}."]
    if ticket is not None:
        parts.append(f"Priority: {ticket.priority.value}. Frontdesk ticket: {ticket.id}.")
        if ticket.summary:
            parts.append(f"Summary:\n{ticket.summary}")
    return "\n\n".join(parts)


def actions_for(conversation: int, turn: Turn, ticket: Ticket | None) -> list[Action]:
    """The calls that deliver the assistant's ``turn`` to Chatwoot conversation
    ``conversation``."""
    if turn.outcome is Outcome.HANDOFF:
        return [
            message(conversation, turn.text),
            message(conversation, handoff_note(turn, ticket), private=True),
            toggle_status(conversation, "open"),
        ]
    return [message(conversation, with_sources(turn))]
