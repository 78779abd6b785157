"""The streaming operations (server-sent events), for both clients: the routes they use
are declared in :data:`ROUTES` for the drift test."""

from __future__ import annotations

from typing import Any

from frontdesk.client.call import Call

ROUTES = {
    "stream_message": ("POST", "/v1/conversations/{conversation_id}/messages"),
    "conversation_events": ("GET", "/v1/conversations/{conversation_id}/events"),
    "agent_events": ("GET", "/v1/events"),
}
_ACCEPT = {"Accept": "text/event-stream"}


def _url(name: str, **path: str) -> str:
    return Call(lambda r: None, dict(path), path=ROUTES[name][1]).url()


def message(conversation_id: str, text: str, idempotency_key: str | None) -> dict[str, Any]:
    headers = dict(_ACCEPT)
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    url = _url("stream_message", conversation_id=conversation_id)
    return {"method": "POST", "url": url, "json": {"text": text}, "headers": headers}


def conversation(conversation_id: str) -> dict[str, Any]:
    url = _url("conversation_events", conversation_id=conversation_id)
    return {"method": "GET", "url": url, "headers": _ACCEPT}


def agents() -> dict[str, Any]:
    return {"method": "GET", "url": _url("agent_events"), "headers": _ACCEPT}
