"""Turn slots: a burst from one API key queues behind itself, not in front of others."""

from __future__ import annotations

import threading
import time

import pytest

from frontdesk.errors import ServiceUnavailableError
from frontdesk.gateway.fair_share import TurnSlots, network_wait


def _wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_burst_from_one_key_lets_another_key_in_after_one_turn() -> None:
    slots = TurnSlots(1)
    order: list[str] = []
    release_first = threading.Event()

    def first() -> None:
        with slots.turn("flood"):
            release_first.wait(5)

    def turn(key: str, label: str) -> None:
        with slots.turn(key):
            order.append(label)

    holder = threading.Thread(target=first)
    holder.start()
    _wait_until(lambda: slots._free == 0)
    threads = []
    for n in range(3):  # the burst queues first
        threads.append(threading.Thread(target=turn, args=("flood", f"flood-{n}")))
        threads[-1].start()
        _wait_until(lambda n=n: slots.waiting() == n + 1)
    threads.append(threading.Thread(target=turn, args=("other", "other")))
    threads[-1].start()
    _wait_until(lambda: slots.waiting() == 4)
    release_first.set()
    for thread in [holder, *threads]:
        thread.join(5)
    assert order == ["flood-0", "other", "flood-1", "flood-2"]
    assert slots._free == 1
    assert slots.waiting() == 0


def test_a_full_queue_answers_503_with_retry_after_and_runs_nothing() -> None:
    slots = TurnSlots(1, max_waiting_per_key=1)
    hold = threading.Event()
    started = threading.Event()

    def holder() -> None:
        with slots.turn("k"):
            started.set()
            hold.wait(5)

    threading.Thread(target=holder).start()
    started.wait(5)
    waited: list[str] = []

    def waiter_turn() -> None:
        with slots.turn("k"):
            waited.append("ran")

    waiter = threading.Thread(target=waiter_turn)
    waiter.start()
    _wait_until(lambda: slots.waiting() == 1)
    ran = []
    with pytest.raises(ServiceUnavailableError) as refused, slots.turn("k"):
        ran.append(True)
    assert not ran
    assert refused.value.retry_after_s
    assert refused.value.retry_after_s >= 1
    assert "already waiting" in refused.value.message
    hold.set()
    waiter.join(5)
    assert waited == ["ran"]
    assert slots._free == 1


def test_a_wait_past_the_limit_gives_up_and_leaves_the_queue_clean() -> None:
    slots = TurnSlots(1, wait_s=0.05)
    hold = threading.Event()
    started = threading.Event()

    def holder() -> None:
        with slots.turn("a"):
            started.set()
            hold.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    started.wait(5)
    with pytest.raises(ServiceUnavailableError, match="no answering capacity"), slots.turn("b"):
        pass
    assert slots.waiting() == 0
    hold.set()
    thread.join(5)
    with slots.turn("b"):  # the freed slot is there for the next turn
        assert slots._free == 0
    assert slots._free == 1


def test_a_turn_waiting_on_the_network_lends_its_slot() -> None:
    slots = TurnSlots(1)
    in_network = threading.Event()
    other_done = threading.Event()
    order: list[str] = []

    def llm_turn() -> None:
        with slots.turn("llm"):
            with network_wait():
                in_network.set()
                other_done.wait(5)  # the provider answers after the other turn ran
            order.append("llm back")

    thread = threading.Thread(target=llm_turn)
    thread.start()
    in_network.wait(5)
    with slots.turn("other"):  # gets the lent slot at once
        order.append("other")
    other_done.set()
    thread.join(5)
    assert order == ["other", "llm back"]
    assert slots._free == 1


def test_network_wait_outside_a_turn_does_nothing() -> None:
    with network_wait():
        pass
