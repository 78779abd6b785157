"""The agents' side: tickets, replies, feedback exports (staff keys)."""

from __future__ import annotations

from frontdesk.api.console_schemas import NotePublic
from frontdesk.api.schemas import (
    FaqDraftPublic,
    FeedbackPublic,
    Promoted,
    TicketDetail,
    TicketPublic,
)
from frontdesk.client.call import Call, as_text, many, one, route
from frontdesk.domain.public import TurnPublic


@route("GET", "/v1/tickets")
def list_tickets(
    *,
    status: str | None = None,
    reason: str | None = None,
    priority: str | None = None,
    older_than_s: int | None = None,
    order: str = "newest",
    limit: int = 100,
    owner: str = "all",
    q: str | None = None,
) -> Call[list[TicketPublic]]:
    """The queue; ``owner`` ``mine`` (the caller's tickets) or ``unassigned``, ``q`` words
    of the summary or a ticket/conversation id."""
    params = {
        "status": status,
        "reason": reason,
        "priority": priority,
        "older_than_s": older_than_s,
        "order": order,
        "limit": limit,
        "owner": owner,
        "q": q,
    }
    return Call(many(TicketPublic), params=params)


@route("GET", "/v1/tickets/reasons")
def ticket_reasons() -> Call[list[str]]:
    return Call(lambda r: [str(x) for x in r.json()])


@route("GET", "/v1/tickets/{ticket_id}")
def get_ticket(ticket_id: str) -> Call[TicketDetail]:
    return Call(one(TicketDetail), {"ticket_id": ticket_id})


@route("POST", "/v1/tickets/{ticket_id}/assign")
def assign_ticket(ticket_id: str, *, agent_id: str | None = None) -> Call[TicketPublic]:
    """Take the ticket, or give it to ``agent_id`` (an agent passes on only their own;
    an admin reassigns any)."""
    fields = {"agent_id": agent_id} if agent_id is not None else None
    return Call(one(TicketPublic), {"ticket_id": ticket_id}, json=fields)


@route("POST", "/v1/tickets/{ticket_id}/unassign")
def unassign_ticket(ticket_id: str) -> Call[TicketPublic]:
    """Put the ticket back in the queue (its owner or an admin)."""
    return Call(one(TicketPublic), {"ticket_id": ticket_id})


@route("GET", "/v1/tickets/{ticket_id}/notes")
def list_notes(ticket_id: str) -> Call[list[NotePublic]]:
    """The ticket's internal notes, oldest first (never shown to the customer)."""
    return Call(many(NotePublic), {"ticket_id": ticket_id})


@route("POST", "/v1/tickets/{ticket_id}/notes")
def add_note(ticket_id: str, text: str) -> Call[NotePublic]:
    """A note for the other agents (a ``note`` event on ``agent_events``)."""
    return Call(one(NotePublic), {"ticket_id": ticket_id}, json={"text": text})


@route("POST", "/v1/tickets/{ticket_id}/reply")
def reply_to_ticket(ticket_id: str, text: str) -> Call[TurnPublic]:
    return Call(one(TurnPublic), {"ticket_id": ticket_id}, json={"text": text})


@route("POST", "/v1/tickets/{ticket_id}/resolve")
def resolve_ticket(ticket_id: str) -> Call[TicketPublic]:
    return Call(one(TicketPublic), {"ticket_id": ticket_id})


@route("POST", "/v1/tickets/{ticket_id}/handback")
def hand_back_ticket(ticket_id: str) -> Call[TicketPublic]:
    return Call(one(TicketPublic), {"ticket_id": ticket_id})


@route("POST", "/v1/tickets/{ticket_id}/promote")
def promote_ticket(ticket_id: str, question: str, answer: str) -> Call[Promoted]:
    """Turn the agent's answer into a knowledge FAQ entry."""
    fields = {"question": question, "answer": answer}
    return Call(one(Promoted), {"ticket_id": ticket_id}, json=fields)


@route("GET", "/v1/tickets/{ticket_id}/faq-draft")
def faq_draft(ticket_id: str) -> Call[FaqDraftPublic]:
    return Call(one(FaqDraftPublic), {"ticket_id": ticket_id})


@route("GET", "/v1/feedback")
def list_feedback(*, limit: int = 1000) -> Call[list[FeedbackPublic]]:
    return Call(many(FeedbackPublic), params={"limit": limit})


@route("GET", "/v1/feedback")
def export_feedback(format: str = "csv", *, limit: int = 1000) -> Call[str]:
    """The export as text: ``csv`` or ``jsonl``."""
    return Call(as_text, params={"format": format, "limit": limit})
