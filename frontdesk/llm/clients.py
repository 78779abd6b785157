"""What every LLM caller shares: one HTTP client per provider, the breaker rules, and the
fallback chain that asks providers in order within one deadline.

The chain skips a provider while its breaker is open; a timeout, transport or 5xx error
counts against the provider, while a reply the caller cannot use or a request-specific
4xx does not (the server answered). Flags for the trace: ``breaker_open``,
``breaker_opened``, ``breaker_closed``, ``llm_deadline``, ``fallback:<provider>`` and the
error's own flag (``llm_timeout``, ``llm_transport``, ``llm_invalid_json`` …).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from frontdesk.llm.breaker import BreakerBoard, BreakerState, CircuitBreaker
from frontdesk.llm.completion import Completion, Usage
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import LlmError, LlmHTTPError, LlmOutputError
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.llm.provider import OpenAICompatibleProvider

log = logging.getLogger(__name__)

R = TypeVar("R")

# Request-specific 4xx (prompt too long, bad parameter) say nothing about provider health.
NOT_HEALTH = frozenset({400, 413, 422})


def breaker_for(board: BreakerBoard, config: ProviderConfig) -> CircuitBreaker:
    return board.get(
        config.name, failure_threshold=config.failure_threshold, cooldown_s=config.cooldown_s
    )


def record_outcome(breaker: CircuitBreaker, exc: LlmError) -> None:
    """Count ``exc`` against the provider only when it says the provider is unhealthy."""
    if isinstance(exc, LlmOutputError) or (
        isinstance(exc, LlmHTTPError) and exc.status in NOT_HEALTH
    ):
        breaker.record_success()  # the server answered; the request or model was at fault
    else:
        breaker.record_failure()


def sum_usage(completions: Sequence[Completion]) -> Usage:
    return Usage(
        prompt_tokens=sum(c.usage.prompt_tokens for c in completions),
        completion_tokens=sum(c.usage.completion_tokens for c in completions),
        cached_tokens=sum(c.usage.cached_tokens for c in completions),
    )


class ClientPool:
    """One HTTP client per provider name, created on first use and closed together; a
    provider that names a local model is pointed at the server the pool starts."""

    def __init__(self, local_models: LocalModelPool | None = None) -> None:
        self._local_models = local_models
        self._clients: dict[str, OpenAICompatibleProvider] = {}
        self._lock = threading.Lock()

    def get(self, config: ProviderConfig) -> OpenAICompatibleProvider:
        with self._lock:
            client = self._clients.get(config.name)
            if client is None:
                if config.local_model is not None and self._local_models is not None:
                    config = self._local_models.resolve(config)
                client = OpenAICompatibleProvider(config)  # unresolved local: a clear error
                self._clients[config.name] = client
            return client

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()


@dataclass
class ChainOutcome(Generic[R]):
    """``value`` from the first provider that gave one (``config``), else ``None``."""

    value: R | None
    config: ProviderConfig | None
    flags: list[str] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)


def ask_in_order(
    providers: Sequence[ProviderConfig],
    *,
    breakers: BreakerBoard,
    clients: ClientPool,
    deadline_s: float,
    clock: Callable[[], float],
    call: Callable[[OpenAICompatibleProvider, ProviderConfig, float], R],
) -> ChainOutcome[R]:
    """``call(client, config, seconds_left)`` for each provider in turn until one returns;
    an :class:`LlmError` it raises moves on to the next provider."""
    started = clock()
    outcome: ChainOutcome[R] = ChainOutcome(None, None)
    flags, attempts = outcome.flags, outcome.attempts
    for position, config in enumerate(providers):
        breaker = breaker_for(breakers, config)
        if not breaker.allow():
            log.info("llm provider %s skipped: circuit breaker open", config.name)
            flags.append("breaker_open")
            attempts.append({"provider": config.name, "outcome": "breaker_open"})
            continue
        remaining = deadline_s - (clock() - started)
        if remaining <= 0:
            log.warning(
                "llm deadline of %.1fs spent before provider %s was asked", deadline_s, config.name
            )
            flags.append("llm_deadline")
            attempts.append({"provider": config.name, "outcome": "no_time_left"})
            break
        probe = breaker.state is BreakerState.HALF_OPEN
        try:
            value = call(clients.get(config), config, remaining)
        except LlmError as exc:
            record_outcome(breaker, exc)
            following = providers[position + 1].name if position + 1 < len(providers) else None
            log.warning(
                "llm provider %s failed (%s); %s",
                config.name,
                exc.kind,
                f"trying {following} next" if following else "no provider left",
            )
            flags.append(exc.flag)
            if breaker.state is BreakerState.OPEN:
                flags.append("breaker_opened")
            attempts.append(
                {"provider": config.name, "outcome": exc.flag, "error": exc.message[:200]}
            )
            continue
        breaker.record_success()
        if probe:
            flags.append("breaker_closed")
        if position > 0:
            log.info("llm fallback: provider %s answered", config.name)
            flags.append(f"fallback:{config.name}")
        attempts.append({"provider": config.name, "outcome": "ok"})
        outcome.value, outcome.config = value, config
        return outcome
    return outcome
