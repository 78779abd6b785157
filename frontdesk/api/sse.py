"""Server-sent events from an event bus subscription, with keep-alive comments."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import StreamingResponse

from frontdesk.live.bus import Event

KEEPALIVE_S = 15.0


def frame(event: str, data: object) -> bytes:
    """One server-sent event with a JSON payload."""
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n".encode()


def event_stream(request: Request, subscription: AsyncIterator[Event]) -> StreamingResponse:
    return StreamingResponse(
        _frames(request, subscription),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _frames(request: Request, subscription: AsyncIterator[Event]) -> AsyncIterator[bytes]:
    # A pump task feeds a queue: waiting on the queue with a timeout is safe to cancel,
    # whereas cancelling the subscription's own __anext__ would close it.
    queue: asyncio.Queue[Event] = asyncio.Queue(1000)

    async def pump() -> None:
        async for item in subscription:
            await queue.put(item)

    task = asyncio.create_task(pump())
    try:
        yield b": connected\n\n"
        while not task.done():
            try:
                event, data = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield b": keep-alive\n\n"
                continue
            yield frame(event, data)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
