"""Answer a posted message as server-sent events.

The message is answered on a worker thread exactly as the JSON route answers it; this
module only relays what happens. Nothing is sent until the customer turn is stored, so a
bad request (404, 409, 422 …) is an ordinary JSON error, not a broken stream. Then:

- ``accepted`` ``{"turn_id", "conversation_id"}``: the message is stored and acknowledged;
- ``delta`` ``{"text"}``: more of the draft answer (generators that stream);
- ``reset`` ``{}``: discard the draft shown so far (a retry or fallback starts over);
- ``final``: the committed assistant turn (the JSON route's body) with ``replaced``: true
  when it differs from the draft, e.g. the output guard blocked it — clients must show
  this text in place of the draft;
- ``error`` ``{"error": {"code", "message"}}``: answering failed after acceptance.

A replayed Idempotency-Key or a conversation a person handles yields only ``final``. A
client that disconnects does not stop the answer: it is committed and readable later.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from frontdesk.api.sse import frame
from frontdesk.domain.conversation import Turn
from frontdesk.errors import FrontdeskError
from frontdesk.services.conversations import PostedReply, ReplyObserver

log = logging.getLogger(__name__)

KEEPALIVE_S = 10.0
_DONE = object()

Event = tuple[str, Any]
Render = Callable[[PostedReply], tuple[int, BaseModel, dict[str, str]]]


class _Relay:
    """The observer handed to the service: puts events on a queue for the response."""

    def __init__(self) -> None:
        self.events: queue.Queue[Event | object] = queue.Queue()
        self.shown = ""

    def accepted(self, customer: Turn) -> None:
        self.events.put(
            ("accepted", {"turn_id": customer.id, "conversation_id": customer.conversation_id})
        )

    def delta(self, text: str) -> None:
        self.shown += text
        self.events.put(("delta", {"text": text}))

    def reset(self) -> None:
        self.shown = ""
        self.events.put(("reset", {}))


def stream_reply(post: Callable[[ReplyObserver], PostedReply], render: Render) -> StreamingResponse:
    """Run ``post`` on a worker thread; raise its error if it fails before acceptance,
    else stream its events. Called from a sync route (a threadpool thread), so waiting
    for acceptance here blocks no event loop."""
    relay = _Relay()
    outcome: dict[str, PostedReply | Exception] = {}

    def work() -> None:
        try:
            outcome["reply"] = post(relay)
        except Exception as exc:  # noqa: BLE001 - re-raised or sent as an error event
            outcome["error"] = exc
        relay.events.put(_DONE)

    threading.Thread(target=work, name="reply-stream", daemon=True).start()
    first = relay.events.get()
    if first is _DONE:  # finished without acceptance: an error, a replay or a queued turn
        error = outcome.get("error")
        if isinstance(error, Exception):
            raise error
        reply = outcome["reply"]
        assert isinstance(reply, PostedReply)
        status, body, headers = render(reply)
        only = iter([frame("final", {**_dump(body), "replaced": False})])
        return _response(only, status, headers)

    def frames() -> Iterator[bytes]:
        item: Event | object = first
        while item is not _DONE:
            assert isinstance(item, tuple)
            yield frame(*item)
            try:
                item = relay.events.get(timeout=KEEPALIVE_S)
            except queue.Empty:
                yield b": keep-alive\n\n"
                continue
        error = outcome.get("error")
        if isinstance(error, Exception):
            log.error("answering a streamed message failed", exc_info=error)
            body = (
                error.to_body()
                if isinstance(error, FrontdeskError)
                else {"error": {"code": "internal_error", "message": "answering failed"}}
            )
            yield frame("error", body)
            return
        reply = outcome["reply"]
        assert isinstance(reply, PostedReply)
        _status, public, _headers = render(reply)
        data = _dump(public)
        yield frame(
            "final", {**data, "replaced": bool(relay.shown) and relay.shown != data["text"]}
        )

    return _response(frames(), 201, {})


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def _response(frames: Iterator[bytes], status: int, headers: dict[str, str]) -> StreamingResponse:
    return StreamingResponse(
        frames,
        status_code=status,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **headers},
    )
