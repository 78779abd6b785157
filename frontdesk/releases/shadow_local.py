"""Shadow samples run inside the serving process (the embedded default, no worker).

One low-priority thread runs them from a bounded backlog. It starts a stage only while no
customer turn is being answered in the process, nor was for ``quiet_s`` (a shadow run
would compete with it for the CPU), so a sample waits for an idle moment; when none comes
within ``wait_s`` (before any of its stages), or the backlog is full when a sample
arrives, the sample is dropped and counted rather than queued without bound.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator

from frontdesk.pipeline.runner import Pipeline
from frontdesk.releases.shadow import (
    BACKLOG_FULL,
    BUSY,
    ShadowLedger,
    ShadowSample,
    lower_priority,
    run_shadow,
)

log = logging.getLogger(__name__)


class BusyGauge:
    """Customer turns being answered in this process. One per process, not per
    ``Frontdesk``: the CPU a shadow run would take is the process's."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()
        self._last_end = 0.0  # monotonic: when the last customer turn ended

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                self._last_end = time.monotonic()
                if self._count == 0:
                    self._idle.notify_all()

    def in_flight(self) -> int:
        return self._count

    def wait_idle(self, timeout_s: float, quiet_s: float = 0.0) -> bool:
        """Wait until no customer turn has been in flight for ``quiet_s`` (turns come in
        bursts: right after one ends another often starts); False after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while True:
                now = time.monotonic()
                if self._count == 0 and now - self._last_end >= quiet_s:
                    return True
                if now >= deadline:
                    return False
                if self._count:
                    self._idle.wait(deadline - now)
                else:
                    self._idle.wait(min(deadline - now, quiet_s - (now - self._last_end)))


PROCESS_LOAD = BusyGauge()


class LocalShadows:
    def __init__(
        self,
        ledger: ShadowLedger,
        max_backlog: int = 8,
        wait_s: float = 5.0,
        load: BusyGauge = PROCESS_LOAD,
        quiet_s: float = 0.1,
    ) -> None:
        self._ledger = ledger
        self._wait_s = wait_s
        self._quiet_s = quiet_s
        self._load = load
        self._backlog: queue.Queue[tuple[Pipeline, ShadowSample]] = queue.Queue(max_backlog)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def offer(self, pipeline: Pipeline, sample: ShadowSample) -> None:
        """Queue the sample, or drop it (counted) when the backlog is full; never blocks."""
        try:
            self._backlog.put_nowait((pipeline, sample))
        except queue.Full:
            self._ledger.dropped(sample, BACKLOG_FULL)
            return
        self._ensure_started()

    def queued(self) -> int:
        """Samples waiting for the runner (not the one it is running)."""
        return self._backlog.qsize()

    def pending(self) -> int:
        """Samples queued or running."""
        return self._backlog.unfinished_tasks

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="shadow", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        lower_priority()
        while not self._stop.is_set():
            try:
                pipeline, sample = self._backlog.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self._run(pipeline, sample)
            except Exception:
                log.exception("shadow run failed tenant=%s", sample.tenant_id)
            finally:
                self._backlog.task_done()

    def _run(self, pipeline: Pipeline, sample: ShadowSample) -> None:
        seen = run_shadow(
            pipeline, sample, lambda: self._load.wait_idle(self._wait_s, self._quiet_s)
        )
        if seen is None:
            self._ledger.dropped(sample, BUSY)
        else:
            self._ledger.ran(sample, seen)
