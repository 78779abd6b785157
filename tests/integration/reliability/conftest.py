"""Real HTTP servers over the test's database: uvicorn in a thread over the test's
Frontdesk, or ``frontdesk serve`` in its own process with its output captured."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import serve
from frontdesk.testing.served import served


@pytest.fixture
def http(frontdesk: Frontdesk) -> Iterator[httpx.Client]:
    """A client of a real server; relative URLs reach it."""
    with (
        serve(create_app(instance=frontdesk)) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client


FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


@dataclass(frozen=True)
class ServedProcess:
    base: str
    widget: str
    admin: str
    log: Path  # the server's stderr and stdout
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def frontdesk_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [FRONTDESK, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@contextlib.contextmanager
def served_process(env: dict[str, str], log: Path, *args: str) -> Iterator[ServedProcess]:
    """``frontdesk serve`` in its own process (its real logging and uvicorn settings),
    with a tenant ``acme`` and its admin and widget keys."""
    frontdesk_cli(env, "init")
    frontdesk_cli(env, "tenants", "create", "acme")
    keys = {
        role: frontdesk_cli(env, "keys", "create", "--tenant", "acme", "--role", role).split()[-1]
        for role in ("admin", "widget")
    }
    with serving(env, log, keys["widget"], keys["admin"], *args) as served:
        yield served


@contextlib.contextmanager
def serving(
    env: dict[str, str], log: Path, widget: str, admin: str, *args: str
) -> Iterator[ServedProcess]:
    """``frontdesk serve`` over an initialised database (a restart, say); its output is
    appended to ``log``."""
    with served(env, log, *args) as server:
        yield ServedProcess(server.base, widget, admin, log, server.process)


@pytest.fixture
def served_env(settings: Settings) -> dict[str, str]:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    return {
        **os.environ,
        "FRONTDESK_DATABASE_URL": settings.resolved_database_url,
        "FRONTDESK_DATA_DIR": str(settings.data_dir),
        "FRONTDESK_SECRET_KEY": secret,
        "FRONTDESK_ENV": "test",
        "FRONTDESK_RATE_LIMIT_PER_MINUTE": "0",
        "FRONTDESK_AUTH_FAILURES_PER_MINUTE": "0",
        "FRONTDESK_MULTILINGUAL_PREBUILD": "false",
    }
