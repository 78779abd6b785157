"""How uvicorn serves Frontdesk: bounded time and size for what a client sends.

uvicorn times out an idle keep-alive connection, but not one that never finishes its
request line and headers: a client trickling a byte every few seconds (slowloris) holds a
connection, and enough of them hold the server. :class:`HeaderTimeoutH11Protocol` closes
a connection whose request headers are not complete ``header_timeout_s`` after it opened
or after its previous response; h11's incomplete-event limit bounds their size.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

KEEP_ALIVE_S = 5  # idle time between requests on one connection
MAX_HEADER_BYTES = 16 * 1024  # request line and headers


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers."""

    header_timeout_s: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm_header_timer()

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request's headers arrived: it is being served
            self._cancel_header_timer()

    def on_response_complete(self) -> None:
        # Armed first: a pipelined request that super() starts right away cancels it.
        self._arm_header_timer()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers were too slow")
            self.transport.close()


def server_config(app: Any, *, header_timeout_s: float, **options: Any) -> uvicorn.Config:
    """A uvicorn config for ``app`` with Frontdesk's limits; ``options`` go to uvicorn
    (host, port, log_level...)."""
    protocol = type(
        "FrontdeskH11Protocol", (HeaderTimeoutH11Protocol,), {"header_timeout_s": header_timeout_s}
    )
    return uvicorn.Config(
        app,
        http=protocol,
        timeout_keep_alive=KEEP_ALIVE_S,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        **options,
    )
