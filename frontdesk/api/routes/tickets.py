"""``/v1/tickets``: the agents' queue and what an agent does with a ticket;
``/v1/events``: live updates for the console; ``/v1/feedback``: list and export."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from frontdesk.api.console_schemas import AssignBody, NoteCreate, NotePublic
from frontdesk.api.deps import FrontdeskDep, StaffKey
from frontdesk.api.schemas import (
    ConversationPublic,
    FaqDraftPublic,
    FeedbackPublic,
    PromoteCreate,
    Promoted,
    ReplyCreate,
    TicketDetail,
    TicketPublic,
    TurnPublic,
)
from frontdesk.api.sse import event_stream
from frontdesk.domain.handoff import UNASSIGNED, EscalationReason
from frontdesk.live.bus import AGENTS

router = APIRouter(tags=["handoff"])
# Ten years: any older ticket is "all of them", and a bound keeps the age arithmetic
# (now - older_than_s) inside what a datetime can hold.
MAX_AGE_S = 10 * 365 * 24 * 3600


@router.get("/v1/tickets", response_model=list[TicketPublic])
def list_tickets(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    status: str | None = None,
    reason: str | None = None,
    priority: str | None = None,
    older_than_s: Annotated[int | None, Query(ge=0, le=MAX_AGE_S)] = None,
    order: Annotated[
        str, Query(description="newest first, or priority: urgent first, longest wait first")
    ] = "newest",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    owner: Annotated[
        Literal["all", "mine", "unassigned"],
        Query(description="mine: the caller's tickets; unassigned: nobody's"),
    ] = "all",
    q: Annotated[
        str | None,
        Query(max_length=200, description="words of the summary, or a ticket/conversation id"),
    ] = None,
) -> list[TicketPublic]:
    """The queue, filtered by status (``active``: open or assigned), reason, priority
    (computed: reason, sentiment and wait), owner, age and text; newest first unless
    ``order=priority``."""
    owner_id = {"all": None, "mine": principal.owner_id, "unassigned": UNASSIGNED}[owner]
    tickets = frontdesk.handoff.tickets(
        principal.tenant_id,
        status=status,
        reason=reason,
        priority=priority,
        older_than_s=older_than_s,
        order=order,
        limit=limit,
        owner_id=owner_id,
        text=q,
    )
    return [TicketPublic.of(t) for t in tickets]


@router.get("/v1/tickets/reasons", response_model=list[str])
def list_reasons(principal: StaffKey) -> list[str]:
    """Every handoff reason a ticket may carry (for the console's filter)."""
    return [reason.value for reason in EscalationReason]


@router.get("/v1/tickets/{ticket_id}", response_model=TicketDetail)
def get_ticket(ticket_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> TicketDetail:
    view = frontdesk.handoff.view(principal.tenant_id, ticket_id)
    return TicketDetail(
        **TicketPublic.of(view.ticket).model_dump(),
        conversation=ConversationPublic.of(view.conversation),
    )


@router.post("/v1/tickets/{ticket_id}/assign", response_model=TicketPublic)
def assign(
    ticket_id: str,
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    body: AssignBody | None = None,
) -> TicketPublic:
    """Take the ticket, or give it to ``agent_id``. An agent takes unassigned tickets and
    passes on their own (409 if another agent has it); an admin reassigns any. Audited."""
    agent_id = body.agent_id if body is not None else None
    return TicketPublic.of(frontdesk.handoff.assign(principal, ticket_id, agent_id))


@router.post("/v1/tickets/{ticket_id}/unassign", response_model=TicketPublic)
def unassign(ticket_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> TicketPublic:
    """Put the ticket back in the queue (its owner or an admin; 403 otherwise). Audited."""
    return TicketPublic.of(frontdesk.handoff.unassign(principal, ticket_id))


@router.get("/v1/tickets/{ticket_id}/notes", response_model=list[NotePublic])
def list_notes(ticket_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> list[NotePublic]:
    """Internal notes, oldest first; never part of the customer's conversation."""
    return [NotePublic.of(n) for n in frontdesk.handoff.notes(principal.tenant_id, ticket_id)]


@router.post("/v1/tickets/{ticket_id}/notes", status_code=201, response_model=NotePublic)
def add_note(
    ticket_id: str, body: NoteCreate, frontdesk: FrontdeskDep, principal: StaffKey
) -> NotePublic:
    """A note for the other agents (live as a ``note`` event on ``/v1/events``)."""
    return NotePublic.of(frontdesk.handoff.add_note(principal, ticket_id, body.text))


@router.post("/v1/tickets/{ticket_id}/reply", status_code=201, response_model=TurnPublic)
def reply(
    ticket_id: str, body: ReplyCreate, frontdesk: FrontdeskDep, principal: StaffKey
) -> TurnPublic:
    """Reply to the customer (the first reply takes the ticket); 409 once resolved."""
    return TurnPublic.of(frontdesk.handoff.reply(principal, ticket_id, body.text))


@router.post("/v1/tickets/{ticket_id}/resolve", response_model=TicketPublic)
def resolve(ticket_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> TicketPublic:
    """Resolve the ticket and close the conversation (the widget then asks for CSAT)."""
    return TicketPublic.of(frontdesk.handoff.resolve(principal, ticket_id))


@router.post("/v1/tickets/{ticket_id}/handback", response_model=TicketPublic)
def hand_back(ticket_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> TicketPublic:
    """Resolve the ticket and let the assistant answer in the conversation again."""
    return TicketPublic.of(frontdesk.handoff.hand_back(principal, ticket_id))


@router.post("/v1/tickets/{ticket_id}/promote", status_code=201, response_model=Promoted)
def promote(
    ticket_id: str, body: PromoteCreate, frontdesk: FrontdeskDep, principal: StaffKey
) -> Promoted:
    """Turn the resolved answer into an FAQ entry, ingested and cited from now on."""
    document_id = frontdesk.handoff.promote(principal, ticket_id, body.question, body.answer)
    return Promoted(document_id=document_id)


@router.get("/v1/tickets/{ticket_id}/faq-draft", response_model=FaqDraftPublic)
def faq_draft(ticket_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> FaqDraftPublic:
    """A general FAQ entry drafted from the ticket: greetings, names, identifiers,
    amounts and actions done for this customer taken out (``removed`` says what)."""
    draft = frontdesk.handoff.faq_draft(principal.tenant_id, ticket_id)
    return FaqDraftPublic.model_validate(draft.to_dict())


@router.get("/v1/events", response_class=StreamingResponse)
def agent_events(
    request: Request, frontdesk: FrontdeskDep, principal: StaffKey
) -> StreamingResponse:
    """Live events for the console (server-sent events): ``ticket`` and ``turn``."""
    return event_stream(request, frontdesk.events.subscribe(principal.tenant_id, AGENTS))


@router.get(
    "/v1/feedback",
    response_model=list[FeedbackPublic],
    responses={
        200: {
            "description": "JSON, or the export: CSV (`format=csv`) or JSON lines (`format=jsonl`)",
            "content": {"text/csv": {}, "application/x-ndjson": {}},
        }
    },
)
def list_feedback(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    format: Literal["json", "csv", "jsonl"] = "json",
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
) -> Response | list[FeedbackPublic]:
    """Thumbs and CSAT, newest first; ``format=csv`` or ``jsonl`` to export."""
    rows = [FeedbackPublic.of(f) for f in frontdesk.handoff.feedback(principal.tenant_id, limit)]
    if format == "json":
        return rows
    records = [r.model_dump(mode="json") for r in rows]
    if format == "jsonl":
        body = "".join(json.dumps(r) + "\n" for r in records)
        return PlainTextResponse(body, media_type="application/x-ndjson")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FeedbackPublic.model_fields))
    writer.writeheader()
    writer.writerows(records)
    return PlainTextResponse(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": "attachment; filename=feedback.csv"},
    )
