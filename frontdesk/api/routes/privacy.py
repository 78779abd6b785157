"""``/v1/privacy``: erase one customer and export what is stored about them (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.domain.agents import actor_of
from frontdesk.privacy import ErasureRequest

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])


class ErasureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: str | None = Field(None, max_length=128)
    conversation_id: str | None = Field(None, max_length=32)
    identifier: str | None = Field(
        None, max_length=320, description="an e-mail address or phone number they wrote"
    )


class ErasureReceipt(BaseModel):
    id: str
    scope: str = Field(description="customer, conversation or identifier")
    removed: dict[str, int] = Field(description="what was removed, counted per kind")
    created_at: str


@router.post("/erasures", status_code=201, response_model=ErasureReceipt)
def erase(body: ErasureCreate, frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    """Erase one customer: their conversations, turns (redacted text and encrypted
    originals), tickets and summaries with agents' notes, feedback and CSAT comments,
    answer cache entries, identifier digests, webhook events and help-desk copies naming
    them, the names their tickets taught the name list, and (by ``customer_id``) their
    resolved tickets ingested from a file; knowledge promoted from their conversations is
    quarantined for review. Exactly one of the three fields."""
    request = ErasureRequest(body.customer_id, body.conversation_id, body.identifier)
    return frontdesk.privacy.erase(
        principal.tenant_id, request, actor=principal.key_id, by=actor_of(principal)
    )


@router.get("/erasures", response_model=list[dict[str, Any]])
def erasures(frontdesk: FrontdeskDep, principal: AdminKey) -> list[dict[str, Any]]:
    """The audit log of erasures, newest first (who, by what kind of subject, how much)."""
    return frontdesk.privacy.erasures(principal.tenant_id)


@router.get("/exports/{customer_id}", response_model=dict[str, Any])
def export(
    customer_id: str,
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    by: str = Query("customer", pattern="^(customer|identifier)$"),
) -> dict[str, Any]:
    """Everything stored about one customer (a data-subject access request), originals
    decrypted. ``by=identifier`` looks them up by an e-mail address or phone number."""
    if by == "identifier":
        return frontdesk.privacy.export(principal.tenant_id, identifier=customer_id)
    return frontdesk.privacy.export(principal.tenant_id, customer_id=customer_id)
