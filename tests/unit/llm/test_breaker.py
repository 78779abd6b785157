"""The circuit breaker's state machine, driven by a fake clock."""

from __future__ import annotations

import logging
import threading

import pytest

from frontdesk.llm.breaker import BreakerBoard, BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, cooldown_s=10, clock=clock)


def test_opens_after_threshold_consecutive_failures(breaker: CircuitBreaker) -> None:
    for _ in range(2):
        breaker.record_failure()
        assert breaker.state is BreakerState.CLOSED
        assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()


def test_a_success_resets_the_failure_count(breaker: CircuitBreaker) -> None:
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 1


def _open(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.failure_threshold):
        breaker.record_failure()


def test_half_open_after_cooldown_lets_exactly_one_probe(
    breaker: CircuitBreaker, clock: Clock
) -> None:
    _open(breaker)
    clock.now = 9.9
    assert not breaker.allow()
    clock.now = 10.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()
    assert not breaker.allow()


def test_probe_success_closes(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now = 10
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


def test_probe_failure_reopens_for_a_full_cooldown(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now = 10
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 19.9
    assert not breaker.allow()
    clock.now = 20
    assert breaker.allow()


def test_a_probe_that_never_reports_is_forgotten(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now = 10
    assert breaker.allow()
    clock.now = 15
    assert not breaker.allow()
    clock.now = 20
    assert breaker.allow()


def test_concurrent_callers_get_one_probe(breaker: CircuitBreaker, clock: Clock) -> None:
    _open(breaker)
    clock.now = 10
    allowed: list[bool] = []
    barrier = threading.Barrier(16)

    def call() -> None:
        barrier.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=call) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 1


def test_concurrent_failures_are_all_counted(clock: Clock) -> None:
    breaker = CircuitBreaker(failure_threshold=1000, cooldown_s=1, clock=clock)

    def fail_many() -> None:
        for _ in range(100):
            breaker.record_failure()

    threads = [threading.Thread(target=fail_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert breaker.consecutive_failures == 800


def test_board_shares_one_breaker_per_provider(clock: Clock) -> None:
    board = BreakerBoard(clock=clock)
    first = board.get("hosted", failure_threshold=1, cooldown_s=5)
    assert board.get("hosted", failure_threshold=1, cooldown_s=5) is first
    assert board.get("local", failure_threshold=1, cooldown_s=5) is not first


@pytest.mark.parametrize(("threshold", "cooldown"), [(0, 1.0), (1, -1.0)])
def test_rejects_nonsense_settings(threshold: int, cooldown: float) -> None:
    with pytest.raises(ValueError, match="must"):
        CircuitBreaker(failure_threshold=threshold, cooldown_s=cooldown)


def test_a_closing_breaker_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    breaker = BreakerBoard().get("flaky", failure_threshold=1, cooldown_s=0.0)
    caplog.set_level(logging.INFO, logger="frontdesk.llm")
    breaker.record_failure()
    assert breaker.allow()  # the half-open probe
    breaker.record_success()
    assert [r.getMessage() for r in caplog.records][-1] == (
        "llm provider flaky: circuit breaker closed (probe succeeded)"
    )
