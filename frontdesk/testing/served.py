"""``frontdesk serve`` in its own process, for tests and benchmarks that need a real server
process (a restart, a second replica, a fresh start after a CLI ingest)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from frontdesk.testing.http import free_port
from frontdesk.testing.wait import wait_for

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


def ready_status(response: httpx.Response) -> bool:
    """``/readyz`` answers 200 (ok or degraded)."""
    return response.status_code == 200


@dataclass(frozen=True)
class Served:
    base: str
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def served(
    env: dict[str, str],
    log: Path,
    *args: str,
    probe: str = "/readyz",
    ready: Callable[[httpx.Response], bool] = ready_status,
    timeout_s: float = 180.0,
) -> Iterator[Served]:
    """``frontdesk serve`` on a free loopback port with ``env``, its output appended to
    ``log``, yielded once ``probe`` answers as ``ready`` says; terminated on exit."""
    port = free_port()
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [FRONTDESK, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            return ready(httpx.get(f"{base}{probe}", timeout=2))
        except httpx.TransportError:
            return False

    try:
        wait_for(answering, timeout_s=timeout_s, interval_s=0.2, what=f"the server's {probe}")
        yield Served(base, process)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
