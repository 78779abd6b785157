"""Redis as a dependency a part can do without: when it stops answering, the part falls
back to this replica alone and asks Redis again after a back-off.

The rate limiters, the turn shares per API key and the live event bus share state through
Redis; each holds one :class:`RedisHealth` that says whether to ask Redis now, logs the
fall-back once and the recovery once (not once per request), and reports both through
``on_change`` (a Prometheus gauge).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class RedisHealth:
    """Whether one part should ask Redis now, and its fall-backs and recoveries told once.

    ``fell_back`` and ``recovered`` are the warnings logged on ``log`` when Redis stops and
    starts answering again (the fall-back's ends with ``error=<exception type>``);
    ``on_change`` gets True on the fall-back and False on the recovery.
    """

    def __init__(
        self,
        log: logging.Logger,
        *,
        fell_back: str,
        recovered: str,
        retry_s: float,
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        self.retry_s = retry_s
        self._log = log
        self._fell_back = fell_back
        self._recovered = recovered
        self._on_change = on_change
        self._lock = threading.Lock()
        self._retry_at: float | None = None  # set while Redis is unreachable

    @property
    def degraded(self) -> bool:
        return self._retry_at is not None

    def should_try(self) -> bool:
        """Ask Redis now? Always while it answers; while it does not, once ``retry_s`` has
        passed, and then for one caller only: its probe moves the next one ``retry_s`` on,
        so a failing Redis is not asked by every request that arrives meanwhile."""
        with self._lock:
            if self._retry_at is None:
                return True
            if time.monotonic() < self._retry_at:
                return False
            self._retry_at = time.monotonic() + self.retry_s
            return True

    def backing_off(self) -> bool:
        """Redis failed less than ``retry_s`` ago. Unlike :meth:`should_try` this claims no
        probe: every caller after the back-off asks Redis."""
        with self._lock:
            return self._retry_at is not None and time.monotonic() < self._retry_at

    def failed(self, error: BaseException) -> None:
        """Redis did not answer: back off ``retry_s``; the first failure is told."""
        with self._lock:
            first = self._retry_at is None
            self._retry_at = time.monotonic() + self.retry_s
        if first:
            self._log.warning("%s error=%s", self._fell_back, type(error).__name__)
            if self._on_change:
                self._on_change(True)

    def succeeded(self) -> None:
        """Redis answered: the first success after a failure is told."""
        with self._lock:
            was_degraded = self._retry_at is not None
            self._retry_at = None
        if was_degraded:
            self._log.warning("%s", self._recovered)
            if self._on_change:
                self._on_change(False)
