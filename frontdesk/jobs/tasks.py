"""Named tasks: what a job runs, looked up by name, with a JSON payload, so a job can be
queued in one process and run in another (``frontdesk worker``).

A task gets a :class:`TaskContext` (whose ``progress`` also raises :class:`JobCancelled`
once the job is cancelled) and its payload, and returns a :class:`Slice`: its result so
far and, for long work, the payload of the rest. The rest goes back in the queue behind
other tenants' work, which is what keeps one tenant's bulk ingest from holding everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frontdesk.errors import ConfigurationError

Progress = Callable[[int, int, str], None]


class JobCancelled(Exception):
    """Raised by ``progress`` when the job was cancelled: the task stops where it is."""


@dataclass(frozen=True, slots=True)
class TaskContext:
    tenant_id: str
    job_id: str
    done: int  # items finished by earlier slices of this job
    total: int
    progress: Progress


@dataclass(frozen=True, slots=True)
class Slice:
    result: dict[str, Any]
    rest: dict[str, Any] | None = None  # the payload still to do; None when finished


TaskFn = Callable[[TaskContext, dict[str, Any]], Slice]


@dataclass(frozen=True, slots=True)
class TaskSpec:
    run: TaskFn
    max_attempts: int = 3  # a failure other than bad input is retried, with backoff
    backoff_s: float = 2.0  # waits backoff_s, then 2x, 4x, ...


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, TaskSpec] = {}

    def register(self, name: str, spec: TaskSpec) -> None:
        self._tasks[name] = spec

    def get(self, name: str) -> TaskSpec:
        try:
            return self._tasks[name]
        except KeyError:
            raise ConfigurationError(
                f"no task {name!r} (known: {', '.join(sorted(self._tasks))})"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._tasks)


def merge_results(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One result from two slices': numbers add up, lists join, mappings merge the same
    way, anything else is the later slice's."""
    merged = dict(before)
    for key, value in after.items():
        old = merged.get(key)
        numbers = isinstance(value, int | float) and isinstance(old, int | float)
        if numbers or (isinstance(value, list) and isinstance(old, list)):
            merged[key] = old + value
        elif isinstance(value, dict) and isinstance(old, dict):
            merged[key] = merge_results(old, value)
        else:
            merged[key] = value
    return merged
