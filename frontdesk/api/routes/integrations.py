"""``/v1/integrations/chatwoot``: the tenant's Chatwoot connection (admin), and the
events Chatwoot sends to Frontdesk as its Agent Bot (no API key: the integration's
shared secret, in ``?secret=`` or ``X-Frontdesk-Secret``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.domain.integrations import ChatwootIntegration
from frontdesk.errors import AuthenticationError
from frontdesk.gateway.ratelimit import RateLimiter
from frontdesk.integrations.chatwoot.events import ChatwootEvent

router = APIRouter(prefix="/v1/integrations/chatwoot", tags=["integrations"])


class ChatwootConfigure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(
        min_length=1, max_length=2000, description="e.g. https://chat.example.com"
    )
    account_id: StrictInt = Field(ge=1, le=2**62)
    token: str = Field(
        min_length=1, max_length=500, description="An Agent Bot's (or agent's) access token."
    )
    secret: str | None = Field(
        None,
        min_length=16,
        max_length=200,
        description="The shared secret of inbound events; omitted: a random one is made "
        "(or, when replacing a configuration, the current one kept).",
    )


class ChatwootPublic(BaseModel):
    base_url: str
    account_id: int
    state: str = Field(description="ok, unauthorized (configure a new token) or unreachable")
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    events_path: str = Field(description="Where Chatwoot's bot sends events (add ?secret=).")

    @classmethod
    def of(cls, integration: ChatwootIntegration, tenant_slug: str) -> ChatwootPublic:
        values = asdict(integration)
        values.pop("tenant_id")
        return cls(events_path=f"/v1/integrations/chatwoot/{tenant_slug}/events", **values)


class ChatwootConfigured(ChatwootPublic):
    secret: str | None = Field(description="The inbound secret when it was set now (shown once).")


class ChatwootReceipt(BaseModel):
    status: str = Field(
        description="answered, queued (a person owns it), retrying (the reply waits for "
        "Chatwoot), failed, recorded, duplicate or ignored"
    )
    reason: str | None = None
    outcome: str | None = None
    turn_id: str | None = None


@router.get("", response_model=ChatwootPublic)
def show_chatwoot(frontdesk: FrontdeskDep, principal: AdminKey) -> ChatwootPublic:
    integration = frontdesk.chatwoot.config.show(principal.tenant_id)
    return ChatwootPublic.of(integration, principal.tenant_name)


@router.put("", response_model=ChatwootConfigured)
def configure_chatwoot(
    body: ChatwootConfigure, frontdesk: FrontdeskDep, principal: AdminKey
) -> ChatwootConfigured:
    """Connect (or reconnect) the tenant's Chatwoot account. The token is stored
    encrypted and never shown again; the secret is shown once."""
    integration, secret = frontdesk.chatwoot.config.configure(
        principal.tenant_id,
        base_url=body.base_url,
        account_id=body.account_id,
        token=body.token,
        secret=body.secret,
        keep_secret=True,
    )
    public = ChatwootPublic.of(integration, principal.tenant_name)
    return ChatwootConfigured(secret=secret, **public.model_dump())


@router.delete("", status_code=204)
def remove_chatwoot(frontdesk: FrontdeskDep, principal: AdminKey) -> Response:
    frontdesk.chatwoot.config.remove(principal.tenant_id)
    return Response(status_code=204)


@router.post(
    "/{tenant_slug}/events",
    response_model=ChatwootReceipt,
    responses={202: {"model": ChatwootReceipt, "description": "Stored; the reply is retried"}},
)
def chatwoot_event(
    tenant_slug: str,
    body: ChatwootEvent,
    request: Request,
    frontdesk: FrontdeskDep,
    secret: Annotated[str | None, Query(max_length=200)] = None,
    x_frontdesk_secret: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Chatwoot's Agent Bot webhook. A customer's message is stored once per message id
    and answered through Chatwoot's API (sources as links) or handed to a person (status
    ``open`` and a private note); 202 when Chatwoot could not be reached and the reply
    waits in the outbox. 401: wrong secret; 404: unknown tenant or no integration."""
    try:
        receipt = frontdesk.chatwoot.receive(tenant_slug, secret or x_frontdesk_secret, body)
    except AuthenticationError:
        anonymous: RateLimiter = request.app.state.address_limiter
        anonymous.hit(request.client.host if request.client else "unknown")
        raise
    status_code = 202 if receipt.status == "retrying" else 200
    return JSONResponse(ChatwootReceipt(**asdict(receipt)).model_dump(), status_code=status_code)
