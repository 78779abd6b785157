"""Named agent accounts and signing in, and the tenant's canned replies (staff keys;
creating and changing agents needs an admin key, signing in none)."""

from __future__ import annotations

from frontdesk.api.console_schemas import AgentKey, AgentPublic, CannedPublic, Rendered
from frontdesk.client.call import Call, many, nothing, one, route
from frontdesk.client.call import body as fields_of


@route("GET", "/v1/agents")
def list_agents() -> Call[list[AgentPublic]]:
    return Call(many(AgentPublic))


@route("POST", "/v1/agents")
def create_agent(name: str, email: str, *, password: str | None = None) -> Call[AgentPublic]:
    """A named agent; without a ``password`` they sign in by key only (``issue_agent_key``)."""
    return Call(one(AgentPublic), json=fields_of(name=name, email=email, password=password))


@route("PATCH", "/v1/agents/{agent_id}")
def update_agent(
    agent_id: str,
    *,
    name: str | None = None,
    password: str | None = None,
    disabled: bool | None = None,
) -> Call[AgentPublic]:
    """Rename, set a password, disable (every key of theirs stops working) or enable."""
    fields = fields_of(name=name, password=password, disabled=disabled)
    return Call(one(AgentPublic), {"agent_id": agent_id}, json=fields)


@route("POST", "/v1/agents/{agent_id}/keys")
def issue_agent_key(agent_id: str) -> Call[AgentKey]:
    """A new key that acts as this agent; its secret is shown only here."""
    return Call(one(AgentKey), {"agent_id": agent_id})


@route("POST", "/v1/agents/sign-in")
def sign_in(tenant: str, email: str, password: str) -> Call[AgentKey]:
    """An agent's e-mail and password for a fresh key of theirs (no key needed to call it):
    ``Client(url, signed.key)`` acts as them."""
    fields = {"tenant": tenant, "email": email, "password": password}
    return Call(one(AgentKey), json=fields)


@route("POST", "/v1/agents/sign-out")
def sign_out() -> Call[None]:
    """Revoke the key this client calls with (a signed-in key; 409 for any other)."""
    return Call(nothing)


@route("GET", "/v1/canned-replies")
def list_canned_replies() -> Call[list[CannedPublic]]:
    return Call(many(CannedPublic))


@route("POST", "/v1/canned-replies")
def create_canned_reply(title: str, body: str) -> Call[CannedPublic]:
    """Save a reply; ``body`` may use ``{{customer_name}}``, ``{{agent_name}}`` and
    ``{{ticket_id}}`` (another name is a 422 naming these)."""
    return Call(one(CannedPublic), json={"title": title, "body": body})


@route("PATCH", "/v1/canned-replies/{reply_id}")
def update_canned_reply(
    reply_id: str, *, title: str | None = None, body: str | None = None
) -> Call[CannedPublic]:
    fields = fields_of(title=title, body=body)
    return Call(one(CannedPublic), {"reply_id": reply_id}, json=fields)


@route("DELETE", "/v1/canned-replies/{reply_id}")
def delete_canned_reply(reply_id: str) -> Call[CannedPublic]:
    return Call(one(CannedPublic), {"reply_id": reply_id})


@route("GET", "/v1/tickets/{ticket_id}/canned-replies/{reply_id}")
def render_canned_reply(ticket_id: str, reply_id: str) -> Call[Rendered]:
    """The reply with its variables filled in for this ticket and the caller, to edit and
    send with ``reply_to_ticket``."""
    return Call(one(Rendered), {"ticket_id": ticket_id, "reply_id": reply_id})
