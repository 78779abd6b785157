"""Every operation the clients have, in order, and the public routes left out on purpose."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from frontdesk.client import (
    admin,
    console,
    conversations,
    handoff,
    knowledge,
    operations,
    releases,
)

MODULES: tuple[ModuleType, ...] = (
    conversations,
    handoff,
    console,
    knowledge,
    releases,
    admin,
    operations,
)

# Routes the client does not wrap, and why.
NOT_IN_CLIENT = {
    ("GET", "/metrics"): "Prometheus's exposition, read by a scraper",
    ("GET", "/v1/models"): "the OpenAI-compatible face: use an OpenAI client",
    ("POST", "/v1/chat/completions"): "the OpenAI-compatible face: use an OpenAI client",
    ("POST", "/v1/integrations/chatwoot/{tenant_slug}/events"): "Chatwoot's webhook calls it",
}

# Query parameters of wrapped routes that no client method sends, and why.
QUERY_NOT_IN_CLIENT = {
    ("POST", "/v1/conversations/{conversation_id}/messages", "stream"): (
        "stream_message asks for the stream with Accept: text/event-stream"
    ),
}


def declared_route(function: Callable[..., Any]) -> tuple[str, str] | None:
    route = getattr(function, "__frontdesk_route__", None)
    return None if route is None else (str(route[0]), str(route[1]))


def operations_of(module: ModuleType) -> list[tuple[str, Callable[..., Any]]]:
    """The module's declared operations, in source order."""
    found = [
        (name, value)
        for name, value in vars(module).items()
        if callable(value)
        and getattr(value, "__module__", None) == module.__name__
        and declared_route(value) is not None
    ]
    return sorted(found, key=lambda item: item[1].__code__.co_firstlineno)
