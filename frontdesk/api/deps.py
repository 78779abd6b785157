"""Request dependencies: the running Frontdesk, and the authenticated principal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from frontdesk.domain.tenant import KeyRole, Principal
from frontdesk.errors import AuthenticationError, PermissionDeniedError
from frontdesk.gateway.fair_share import TurnSlots
from frontdesk.gateway.ratelimit import RateLimiter
from frontdesk.monitoring.context import bind_tenant
from frontdesk.runtime import Frontdesk


def get_frontdesk(request: Request) -> Frontdesk:
    frontdesk: Frontdesk = request.app.state.frontdesk
    return frontdesk


FrontdeskDep = Annotated[Frontdesk, Depends(get_frontdesk)]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise AuthenticationError("missing API key: send 'Authorization: Bearer <key>'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("malformed Authorization header: expected 'Bearer <key>'")
    return token.strip()


def get_principal(request: Request, frontdesk: FrontdeskDep) -> Principal:
    try:
        principal = frontdesk.tenants.authenticate(_bearer(request))
    except AuthenticationError:
        # Counted per address; over budget the answer is 429. Valid keys from the same
        # address (customers behind one NAT) are not held back by someone's bad guesses.
        anonymous: RateLimiter = request.app.state.address_limiter
        anonymous.hit(request.client.host if request.client else "unknown")
        raise
    bind_tenant(principal.tenant_id)
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.hit(principal.key_id)
    return principal


def require(*roles: KeyRole) -> Callable[[Principal], Principal]:
    """A dependency that admits only keys with one of ``roles``."""
    allowed = frozenset(roles)

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise PermissionDeniedError(
                f"a {principal.role.value} key may not do this (needs: {names})"
            )
        return principal

    return check


AnyKey = Annotated[Principal, Depends(require(KeyRole.ADMIN, KeyRole.AGENT, KeyRole.WIDGET))]
StaffKey = Annotated[Principal, Depends(require(KeyRole.ADMIN, KeyRole.AGENT))]
AdminKey = Annotated[Principal, Depends(require(KeyRole.ADMIN))]


def turn_slots(request: Request) -> TurnSlots:
    """This process's answering capacity, shared fairly between API keys."""
    slots: TurnSlots = request.app.state.turn_slots
    return slots


TurnSlotsDep = Annotated[TurnSlots, Depends(turn_slots)]
