"""A shared backend a part can do without: when it stops answering, the part falls back
to this replica alone and asks the backend again after a back-off.

The rate limiters, the turn shares per API key and the Redis event bus share state through
Redis; the PostgreSQL event bus through LISTEN/NOTIFY. Each holds one
:class:`BackendHealth` that says whether to ask its backend now, logs the fall-back once and
the recovery once (not once per request), and reports both through ``on_change`` (a
Prometheus gauge).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class BackendHealth:
    """Whether one part should ask its backend now, and its fall-backs and recoveries told once.

    ``fell_back`` and ``recovered`` are the warnings logged on ``log`` when the backend stops
    and starts answering again (the fall-back's ends with ``error=<exception type>``);
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
        self._retry_at: float | None = None  # set while the backend is unreachable

    @property
    def degraded(self) -> bool:
        return self._retry_at is not None

    def should_try(self) -> bool:
        """Ask the backend now? Always while it answers; while it does not, once ``retry_s`` has
        passed, and then for one caller only: its probe moves the next one ``retry_s`` on,
        so a failing backend is not asked by every request that arrives meanwhile."""
        with self._lock:
            if self._retry_at is None:
                return True
            if time.monotonic() < self._retry_at:
                return False
            self._retry_at = time.monotonic() + self.retry_s
            return True

    def backing_off(self) -> bool:
        """The backend failed less than ``retry_s`` ago. Unlike :meth:`should_try` this claims no
        probe: every caller after the back-off asks the backend."""
        with self._lock:
            return self._retry_at is not None and time.monotonic() < self._retry_at

    def failed(self, error: BaseException) -> None:
        """The backend did not answer: back off ``retry_s``; the first failure is told."""
        with self._lock:
            first = self._retry_at is None
            self._retry_at = time.monotonic() + self.retry_s
        if first:
            self._log.warning("%s error=%s", self._fell_back, type(error).__name__)
            if self._on_change:
                self._on_change(True)

    def succeeded(self) -> None:
        """The backend answered: the first success after a failure is told."""
        with self._lock:
            was_degraded = self._retry_at is not None
            self._retry_at = None
        if was_degraded:
            self._log.warning("%s", self._recovered)
            if self._on_change:
                self._on_change(False)
