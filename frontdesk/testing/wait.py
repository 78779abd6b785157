"""Waiting in tests for a condition instead of for a fixed time: a test ends as soon as
what it needs has happened, and a slow, shared machine only makes it wait longer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T | None],
    *,
    timeout_s: float = 30.0,
    interval_s: float = 0.05,
    what: str = "the condition",
) -> T:
    """Call ``condition`` until it returns something other than ``None`` or ``False`` and
    return that; :class:`TimeoutError` naming ``what`` once ``timeout_s`` have passed.
    An exception from ``condition`` (an assertion that the server is still alive) ends
    the wait at once."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value is not None and value is not False:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} did not happen within {timeout_s}s")
        time.sleep(interval_s)


def finished(job: dict[str, Any]) -> dict[str, Any] | None:
    """A ``/v1/jobs/{id}`` body once the job has succeeded or failed, else ``None``."""
    return job if job.get("status") in {"succeeded", "failed"} else None
