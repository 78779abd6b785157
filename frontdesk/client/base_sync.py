"""What the generated :class:`~frontdesk.client.sync.Client` builds on: the HTTP client,
sending a :class:`~frontdesk.client.call.Call`, and the streams."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from frontdesk.client import streams
from frontdesk.client.call import Call, FrontdeskAPIError
from frontdesk.client.sse import Event, EventReader

T = TypeVar("T")


class BaseClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        http: httpx.Client | None = None,
    ) -> None:
        """``http`` replaces the HTTP client built here (its own base URL and headers)."""
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = http or httpx.Client(base_url=base_url, headers=headers, timeout=timeout)

    def _send(self, call: Call[T]) -> T:
        return call.result(self.http.send(call.request(self.http)))

    def stream_message(
        self, conversation_id: str, text: str, *, idempotency_key: str | None = None
    ) -> Iterator[Event]:
        """Post a message and read the reply as it is written: ``accepted``, ``delta``
        (text so far grows), ``reset``, then ``final`` (the turn) or ``error``."""
        yield from self._events(streams.message(conversation_id, text, idempotency_key))

    def conversation_events(self, conversation_id: str) -> Iterator[Event]:
        """One conversation's live events (``turn``, ``status``) until you stop reading."""
        yield from self._events(streams.conversation(conversation_id))

    def agent_events(self) -> Iterator[Event]:
        """The console's live events (``ticket``, ``turn``) until you stop reading."""
        yield from self._events(streams.agents())

    def _events(self, request: dict[str, Any]) -> Iterator[Event]:
        with self.http.stream(**request) as response:
            if response.status_code >= 400:
                response.read()
                raise FrontdeskAPIError.of(response)
            reader = EventReader()
            for line in response.iter_lines():
                event = reader.feed(line)
                if event is not None:
                    yield event
            last = reader.flush()
            if last is not None:
                yield last

    def close(self) -> None:
        self.http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
