"""A circuit breaker per provider, so a dead or slow model costs one timeout, not one per turn.

    closed ──N consecutive failures──▶ open ──cool-down──▶ half-open
      ▲                                  ▲                    │ one probe call
      └────────── probe succeeds ────────┴── probe fails ─────┘

In half-open exactly one caller gets through; the others are refused as if open. A probe
whose caller never reports back (a bug, a killed thread) is forgotten after another
cool-down, so the breaker cannot stay stuck.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum

log = logging.getLogger(__name__)


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 3,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "",
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown_s < 0:
            raise ValueError("cooldown_s must not be negative")
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self.name = name  # the provider's, for logs
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started: float | None = None

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._current()

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._failures

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open, ``True`` for the one probe only."""
        with self._lock:
            state = self._current()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.OPEN:
                return False
            now = self._clock()
            if self._probe_started is None or now - self._probe_started >= self.cooldown_s:
                self._probe_started = now
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            if self._state is not BreakerState.CLOSED:
                log.info("llm provider %s: circuit breaker closed (probe succeeded)", self.name)
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_started = None

    def record_failure(self) -> None:
        with self._lock:
            state = self._current()
            self._failures += 1
            if state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
                if state is not BreakerState.OPEN:
                    log.warning(
                        "llm provider %s: circuit breaker opened after %d consecutive "
                        "failures; calls refused for %.0fs",
                        self.name,
                        self._failures,
                        self.cooldown_s,
                    )
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
                self._probe_started = None

    def _current(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.cooldown_s:
            self._state = BreakerState.HALF_OPEN
            self._probe_started = None
        return self._state


class BreakerBoard:
    """One breaker per provider name, shared by every stage that uses the provider."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._breakers: dict[str, CircuitBreaker] = {}

    def get(self, provider: str, *, failure_threshold: int, cooldown_s: float) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(provider)
            if breaker is None:
                breaker = CircuitBreaker(
                    failure_threshold=failure_threshold,
                    cooldown_s=cooldown_s,
                    clock=self._clock,
                    name=provider,
                )
                self._breakers[provider] = breaker
            return breaker
