"""``/v1/canned-replies``: the tenant's saved replies, with ``{{variables}}``; and the text
of one for a ticket (``/v1/tickets/{id}/canned-replies/{reply_id}``)."""

from __future__ import annotations

from fastapi import APIRouter

from frontdesk.api.console_schemas import CannedCreate, CannedPublic, CannedUpdate, Rendered
from frontdesk.api.deps import FrontdeskDep, StaffKey
from frontdesk.errors import InvalidInputError

router = APIRouter(tags=["canned replies"])


@router.get("/v1/canned-replies", response_model=list[CannedPublic])
def list_canned(frontdesk: FrontdeskDep, principal: StaffKey) -> list[CannedPublic]:
    return [CannedPublic.of(r) for r in frontdesk.canned.list(principal.tenant_id)]


@router.post("/v1/canned-replies", status_code=201, response_model=CannedPublic)
def create_canned(body: CannedCreate, frontdesk: FrontdeskDep, principal: StaffKey) -> CannedPublic:
    """Save a reply; an unknown ``{{variable}}`` is a 422 naming the known ones."""
    return CannedPublic.of(frontdesk.canned.create(principal, body.title, body.body))


@router.patch("/v1/canned-replies/{reply_id}", response_model=CannedPublic)
def update_canned(
    reply_id: str, body: CannedUpdate, frontdesk: FrontdeskDep, principal: StaffKey
) -> CannedPublic:
    if body.title is None and body.body is None:
        raise InvalidInputError("nothing to change: give title or body")
    reply = frontdesk.canned.update(principal.tenant_id, reply_id, body.title, body.body)
    return CannedPublic.of(reply)


@router.delete("/v1/canned-replies/{reply_id}", response_model=CannedPublic)
def delete_canned(reply_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> CannedPublic:
    return CannedPublic.of(frontdesk.canned.delete(principal.tenant_id, reply_id))


@router.get("/v1/tickets/{ticket_id}/canned-replies/{reply_id}", response_model=Rendered)
def render_canned(
    ticket_id: str, reply_id: str, frontdesk: FrontdeskDep, principal: StaffKey
) -> Rendered:
    """The reply with its variables filled in for this ticket and the caller, ready to edit
    and send (the customer's name comes from the conversation's metadata, else "there")."""
    return Rendered(text=frontdesk.canned.render(principal, reply_id, ticket_id))
