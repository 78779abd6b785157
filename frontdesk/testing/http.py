"""A real HTTP server for tests and benchmarks, and a reader for server-sent events."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI

from frontdesk.gateway.server import server_config
from frontdesk.testing.wait import wait_for


def free_port() -> int:
    """A loopback port free right now (a subprocess server binds it itself)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(app: FastAPI, *, timeout_s: float = 60.0) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on loopback; yields its base URL once started.

    The socket is bound before the server starts, so no other process can take the port
    in between; open event streams get 5 s to end so they cannot hold shutdown."""
    sock = socket.socket()
    # Accepted connections inherit this: without it every response waits ~40 ms on Nagle
    # and the client's delayed ACK, a cost `frontdesk serve` (host/port) does not have.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = server_config(
        app,
        header_timeout_s=10.0,
        log_level="warning",
        ws="none",
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        try:
            wait_for(lambda: server.started or not thread.is_alive(), timeout_s=timeout_s)
        except TimeoutError:
            raise RuntimeError(f"the test server did not start within {timeout_s}s") from None
        if not server.started:
            raise RuntimeError("the test server exited during start-up")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    if thread.is_alive():
        raise RuntimeError("the test server did not shut down")


def sse_events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """``(event, data)`` pairs from the lines of a server-sent event stream; comments
    (keep-alives) are skipped and ``data`` is parsed as JSON."""
    event = "message"
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield event, json.loads("\n".join(data))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
    if data:
        yield event, json.loads("\n".join(data))
