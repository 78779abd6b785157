"""``/v1/agents``: named agent accounts (admins manage them), and ``/v1/agents/sign-in``
for an agent's e-mail and password in exchange for a key of their own."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from frontdesk.api.console_schemas import AgentCreate, AgentKey, AgentPublic, AgentUpdate, SignIn
from frontdesk.api.deps import AdminKey, FrontdeskDep, StaffKey
from frontdesk.errors import AuthenticationError, InvalidInputError
from frontdesk.gateway.ratelimit import RateLimiter

router = APIRouter(prefix="/v1/agents", tags=["agents"])


@router.get("", response_model=list[AgentPublic])
def list_agents(frontdesk: FrontdeskDep, principal: StaffKey) -> list[AgentPublic]:
    """Every agent of the tenant (agents see them too, to hand a ticket over)."""
    return [AgentPublic.of(a) for a in frontdesk.agents.list(principal.tenant_id)]


@router.post("", status_code=201, response_model=AgentPublic)
def create_agent(body: AgentCreate, frontdesk: FrontdeskDep, principal: AdminKey) -> AgentPublic:
    return AgentPublic.of(frontdesk.agents.create(principal, body.name, body.email, body.password))


@router.patch("/{agent_id}", response_model=AgentPublic)
def update_agent(
    agent_id: str, body: AgentUpdate, frontdesk: FrontdeskDep, principal: AdminKey
) -> AgentPublic:
    """Rename, set a password, disable (every key of theirs stops working) or enable."""
    if body.model_fields_set == set():
        raise InvalidInputError("nothing to change: give name, password or disabled")
    agent = frontdesk.agents.update(
        principal, agent_id, name=body.name, password=body.password, disabled=body.disabled
    )
    return AgentPublic.of(agent)


@router.post("/{agent_id}/keys", status_code=201, response_model=AgentKey)
def issue_agent_key(agent_id: str, frontdesk: FrontdeskDep, principal: AdminKey) -> AgentKey:
    """A new API key that acts as this agent; shown once."""
    key = frontdesk.agents.issue_key(principal, agent_id)
    return AgentKey(
        key=key, agent=AgentPublic.of(frontdesk.agents.get(principal.tenant_id, agent_id))
    )


@router.post("/sign-in", status_code=201, response_model=AgentKey)
def sign_in(body: SignIn, request: Request, frontdesk: FrontdeskDep) -> AgentKey:
    """An agent's e-mail and password for a fresh key (role agent) that acts as them;
    failures count against the caller's address like bad keys (429 when over)."""
    try:
        key, agent = frontdesk.agents.sign_in(body.tenant, body.email, body.password)
    except AuthenticationError:
        limiter: RateLimiter = request.app.state.address_limiter
        limiter.hit(request.client.host if request.client else "unknown")
        raise
    return AgentKey(key=key, agent=AgentPublic.of(agent))


@router.post("/sign-out", status_code=204)
def sign_out(frontdesk: FrontdeskDep, principal: StaffKey) -> Response:
    """Revoke the key this request was made with."""
    frontdesk.agents.sign_out(principal)
    return Response(status_code=204)
