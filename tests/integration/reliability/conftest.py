"""A real HTTP server (uvicorn on loopback) over the test's Frontdesk, and an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import serve


@pytest.fixture
def http(frontdesk: Frontdesk) -> Iterator[httpx.Client]:
    """A client of a real server; relative URLs reach it."""
    with (
        serve(create_app(instance=frontdesk)) as base,
        httpx.Client(base_url=base, timeout=60) as client,
    ):
        yield client
