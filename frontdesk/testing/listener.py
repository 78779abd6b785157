"""A server-sent event stream read on a thread, as an agent's console or the widget holds
one: for tests that watch what a real server pushes."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from typing import Any

import httpx


class Listener:
    """Reads a server-sent event stream on a thread: ``connected`` is set once the server
    has subscribed it, ``events`` fills as they arrive (each with the monotonic time it
    came), ``close`` hangs up at once."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.arrived: queue.Queue[tuple[float, str, dict[str, Any]]] = queue.Queue()
        self.connected = threading.Event()
        self.error: BaseException | None = None
        self._closing = threading.Event()
        self._socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(30, read=30)) as http,
                http.stream("GET", url, headers=headers) as response,
            ):
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                self._socket = response.extensions["network_stream"].get_extra_info("socket")
                self._lines(response)
        except httpx.TransportError as exc:
            if not self._closing.is_set():
                self.error = exc
        except Exception as exc:  # noqa: BLE001 - kept for the test to report
            self.error = exc

    def _lines(self, response: httpx.Response) -> None:
        name = None
        for line in response.iter_lines():
            if line == ": connected":  # sent once the server has subscribed
                self.connected.set()
            elif line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                data = json.loads(line[6:])
                self.events.put((name, data))
                self.arrived.put((time.monotonic(), name, data))

    def close(self) -> None:
        # Shutting the socket down wakes the blocked read and tells the server at once.
        self._closing.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)
