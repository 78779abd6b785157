"""Anonymous floods and slow clients are bounded: requests without a valid key are
limited per address (429 with Retry-After), and a connection that trickles its request
headers is closed by the server."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import serve
from tests.conftest import on_sqlite_only

from .conftest import served_process


def test_requests_without_a_valid_key_are_limited_per_address(settings: Settings, acme) -> None:
    limited = settings.model_copy(update={"auth_failures_per_minute": 5})
    frontdesk = Frontdesk(limited)
    frontdesk.warm_up()
    try:
        with serve(create_app(instance=frontdesk)) as base, httpx.Client(base_url=base) as http:
            guesses = [
                http.get(
                    "/v1/conversations", headers={"Authorization": f"Bearer fdk_guess{i:040d}"}
                )
                for i in range(8)
            ]
            statuses = [r.status_code for r in guesses]
            assert statuses == [401] * 5 + [429] * 3, statuses
            assert int(guesses[-1].headers["Retry-After"]) >= 1
            assert guesses[-1].json()["error"]["code"] == "rate_limited"
            assert "without a valid API key" in guesses[-1].json()["error"]["message"]
            no_key = http.get("/v1/conversations")
            assert no_key.status_code == 429
            # The budget is for traffic without a valid key: a valid key from the same
            # address (customers behind one NAT) is still served.
            valid = http.get("/v1/conversations", headers=acme.auth("agent"))
            assert valid.status_code == 200
    finally:
        frontdesk.close()


@on_sqlite_only
@pytest.mark.slow
def test_a_client_trickling_its_headers_is_disconnected(served_env, tmp_path) -> None:
    env = {**served_env, "FRONTDESK_HEADER_TIMEOUT_S": "2"}
    with served_process(env, tmp_path / "server.log") as served:
        port = int(served.base.rsplit(":", 1)[1])
        started = time.monotonic()
        closed_after: float | None = None
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.settimeout(1)
            for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40:
                try:
                    sock.sendall(bytes([byte]))
                    if sock.recv(1024) == b"":
                        closed_after = time.monotonic() - started
                        break
                except TimeoutError:
                    continue  # nothing to read yet: keep trickling
                except (BrokenPipeError, ConnectionResetError):
                    closed_after = time.monotonic() - started
                    break
        assert closed_after is not None, "the server kept a trickling connection open"
        assert 1.5 <= closed_after <= 6
        # An ordinary client is served as before, on its own connection and keep-alive.
        with httpx.Client(base_url=served.base) as http:
            assert http.get("/healthz").status_code == 200
            time.sleep(0.5)
            assert http.get("/healthz").status_code == 200
