"""Fair shares of this process's answering capacity, per API key.

A key within its rate limit can still send a burst (its whole minute's budget in a few
seconds); run at once, those turns would take every CPU and make every other tenant wait
behind them. :class:`TurnSlots` lets ``slots`` turns run at once and queues the rest per
key; a freed slot goes to the keys with waiting turns in turn (round robin), so a burst
queues behind itself and another key's turn waits for at most one turn per busy key.

A turn that waits on the network (an LLM provider) is not using the CPU: the code that
waits wraps it in :func:`network_wait`, which hands the slot on meanwhile and queues for
one again afterwards.

With Redis, a :class:`~frontdesk.gateway.key_share.KeyShare` also shares each key's turns
across every replica: a turn first waits for one of its key's cluster-wide slots (holding
nothing of this process meanwhile), then for a slot here. A key may go over its share only
into a slot free here, and a turn waiting here for a slot tells the other replicas (through
Redis) to lend no key more than its share meanwhile.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass

from frontdesk.errors import ServiceUnavailableError
from frontdesk.gateway.key_share import KeyShare, Permit


@dataclass
class _Held:
    slots: TurnSlots
    key: str
    permit: Permit | None


_held: ContextVar[_Held | None] = ContextVar("frontdesk_turn_slot", default=None)


def default_slots() -> int:
    """One turn per CPU: answering is CPU work (embedding, search, scoring), and a turn
    waiting on an LLM lends its slot. Replicas sharing a host should split its CPUs."""
    return os.cpu_count() or 1


class TurnSlots:
    def __init__(
        self,
        slots: int,
        *,
        max_waiting_per_key: int = 64,
        wait_s: float = 30.0,
        share: KeyShare | None = None,
    ):
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.slots = slots
        self.share = share
        self.max_waiting_per_key = max_waiting_per_key
        self.wait_s = wait_s
        self._lock = threading.Lock()
        self._free = slots
        # key -> its waiting turns, oldest first; the first key is served next
        self._waiting: OrderedDict[str, deque[threading.Event]] = OrderedDict()

    @contextmanager
    def turn(self, key: str) -> Iterator[None]:
        """Hold one slot for ``key`` while the block runs; 503 when the key's queue is
        full or no slot came within ``wait_s`` (nothing of the turn has run then)."""
        permit = self.share.acquire(key, may_borrow=self._has_free) if self.share else None
        try:
            self._acquire(key)
        except BaseException:
            if permit is not None and self.share is not None:
                self.share.release(permit)
            raise
        held = _Held(self, key, permit)
        token = _held.set(held)
        try:
            yield
        finally:
            _held.reset(token)
            self._release()
            if held.permit is not None and self.share is not None:
                self.share.release(held.permit)

    def thread_budget(self) -> int:
        """Worker threads the server needs so that turns queued here never hold up other
        requests: the running turns, a full queue for a few keys, and room for reads."""
        shared = 2 * self.share.max_waiting_per_key if self.share else 0
        return self.slots + 4 * self.max_waiting_per_key + shared + 40

    def waiting(self) -> int:
        with self._lock:
            return sum(len(queue) for queue in self._waiting.values())

    def _has_free(self) -> bool:
        """A slot is free and no turn waits for one: a turn starting now runs at once."""
        with self._lock:
            return self._free > 0 and not self._waiting

    def _acquire(self, key: str, *, bounded: bool = True) -> None:
        """``bounded``: refuse when the key's queue is full or the wait too long; a turn
        that already started (back from the network) waits as long as it takes."""
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return
            queue = self._waiting.setdefault(key, deque())
            if bounded and len(queue) >= self.max_waiting_per_key:
                if not queue:
                    del self._waiting[key]
                raise _busy(f"{len(queue)} messages of this API key are already waiting")
            ticket = threading.Event()
            queue.append(ticket)
        with self.share.waiting_for_slot(key) if self.share else nullcontext():
            handed = ticket.wait(self.wait_s if bounded else None)
        if handed:
            return
        with self._lock:
            if ticket.is_set():  # handed a slot just as the wait ended
                return
            queue.remove(ticket)
            if not queue:
                del self._waiting[key]
        raise _busy(f"no answering capacity within {self.wait_s:.0f} s")

    def _release(self) -> None:
        with self._lock:
            freed = not self._waiting
            if freed:
                self._free += 1
            else:
                key, queue = next(iter(self._waiting.items()))
                ticket = queue.popleft()
                if queue:
                    self._waiting.move_to_end(key)  # round robin: the other keys go first
                else:
                    del self._waiting[key]
                ticket.set()  # the slot passes straight to the waiting turn
        if freed and self.share is not None:
            self.share.slot_freed()  # a key waiting to go over its share may take it


def _busy(reason: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        f"too many messages at once: {reason}; try again shortly", retry_after_s=2.0
    )


@contextmanager
def network_wait() -> Iterator[None]:
    """Give this turn's slot to another while the block waits on the network; take one
    again (queued fairly) after it. Outside a turn (CLI, evaluation) it does nothing."""
    held = _held.get()
    if held is None:
        yield
        return
    share = held.slots.share
    held.slots._release()
    if share is not None and held.permit is not None:
        share.release(held.permit)
        held.permit = None
    try:
        yield
    finally:
        if share is not None:
            held.permit = share.acquire(held.key, bounded=False, may_borrow=held.slots._has_free)
        held.slots._acquire(held.key, bounded=False)
