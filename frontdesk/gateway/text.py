"""Text that cannot be stored is refused at the door.

A NUL character, a lone surrogate (``"\\ud800"`` is valid JSON) or a Unicode
noncharacter cannot be encoded or stored: PostgreSQL refuses NUL in text, UTF-8 has no
encoding for a surrogate. Left in, they fail deep inside a transaction as a 500, with
the customer's text in the driver's error. :class:`InvalidTextGuard` checks the path,
the query string and every string (keys too) of a JSON body before any route runs, and
answers 422 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.domain.text import invalid_code_point
from frontdesk.errors import InvalidInputError


def check_text(text: str, field: str) -> None:
    """Raise :class:`InvalidInputError` naming ``field`` if ``text`` cannot be stored."""
    bad = invalid_code_point(text)
    if bad is not None:
        raise InvalidInputError(
            f"{field}: contains {bad}, which is not allowed in text", field=field
        )


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every ``(field path, string)`` in a parsed JSON value, object keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, str(key)
            yield from _strings(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def find_invalid_text(scope: Scope, body: bytes | None) -> InvalidInputError | None:
    """The first field of a request carrying text that cannot be stored."""
    candidates: list[tuple[str, str]] = [("path", str(scope.get("path", "")))]
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        candidates += [(f"query.{name}", name), (f"query.{name}", value)]
    if body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None  # not JSON: the route's own validation says so
        candidates += list(_strings(parsed, ""))
    for field, text in candidates:
        try:
            check_text(text, field or "body")
        except InvalidInputError as exc:
            return exc
    return None


class InvalidTextGuard:
    """ASGI middleware: 422 for a path, query string or JSON body carrying a NUL, a
    surrogate or a noncharacter. JSON bodies are buffered to be checked; they are small
    (the body size limit sits outside this middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        # FastAPI parses a body without a content type as JSON too.
        content_type = headers.get(b"content-type", b"").lower()
        is_json = not content_type or b"json" in content_type
        chunks: list[bytes] = []
        if is_json:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        error = find_invalid_text(scope, b"".join(chunks) if is_json else None)
        if error is not None:
            await _reject(send, error)
            return
        if not is_json:
            await self.app(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # a disconnect, once the body was handed over
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)


async def _reject(send: Send, error: InvalidInputError) -> None:
    body = json.dumps(error.to_body()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
