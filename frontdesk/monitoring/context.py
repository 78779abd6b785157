"""What a log line knows about the request it was written in: the request id (from the
``X-Request-ID`` header or generated) and, once the key is checked, the tenant.

The middleware starts a fresh :class:`RequestContext` per request; sync handlers run in
a thread pool with a *copy* of the context variables, so they fill in the same object
rather than setting a variable of their own."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@dataclass
class RequestContext:
    request_id: str
    route: str | None = None
    tenant: str | None = None


_current: ContextVar[RequestContext | None] = ContextVar("frontdesk_request", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a sane token (so it can be searched for), else a new one."""
    if header and _VALID_ID.match(header):
        return header
    return uuid.uuid4().hex


def start(request_id: str) -> RequestContext:
    context = RequestContext(request_id)
    _current.set(context)
    return context


def current() -> RequestContext | None:
    return _current.get()


def bind_tenant(tenant_id: str) -> None:
    context = _current.get()
    if context is not None:
        context.tenant = tenant_id
