"""Waiting in tests for a condition instead of for a fixed time: a test ends as soon as
what it needs has happened, and a slow, shared machine only makes it wait longer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

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


def wait_for_job(
    client: httpx.Client, job_id: str, headers: dict[str, str], *, timeout_s: float = 60.0
) -> dict[str, Any]:
    """The job's ``/v1/jobs/{id}`` body once it has succeeded or failed."""
    return wait_for(
        lambda: finished(client.get(f"/v1/jobs/{job_id}", headers=headers).json()),
        timeout_s=timeout_s,
        what=f"job {job_id} to finish",
    )
