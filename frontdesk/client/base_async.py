"""What the generated :class:`~frontdesk.client.aio.AsyncClient` builds on: the async
twin of :mod:`frontdesk.client.base_sync`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from frontdesk.client import streams
from frontdesk.client.call import Call, FrontdeskAPIError
from frontdesk.client.sse import Event, EventReader

T = TypeVar("T")


class BaseAsyncClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = http or httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def _send(self, call: Call[T]) -> T:
        return call.result(await self.http.send(call.request(self.http)))

    async def stream_message(
        self, conversation_id: str, text: str, *, idempotency_key: str | None = None
    ) -> AsyncIterator[Event]:
        """See :meth:`frontdesk.client.Client.stream_message`."""
        async for event in self._events(streams.message(conversation_id, text, idempotency_key)):
            yield event

    async def conversation_events(self, conversation_id: str) -> AsyncIterator[Event]:
        async for event in self._events(streams.conversation(conversation_id)):
            yield event

    async def agent_events(self) -> AsyncIterator[Event]:
        async for event in self._events(streams.agents()):
            yield event

    async def _events(self, request: dict[str, Any]) -> AsyncIterator[Event]:
        async with self.http.stream(**request) as response:
            if response.status_code >= 400:
                await response.aread()
                raise FrontdeskAPIError.of(response)
            reader = EventReader()
            async for line in response.aiter_lines():
                event = reader.feed(line)
                if event is not None:
                    yield event
            last = reader.flush()
            if last is not None:
                yield last

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()
