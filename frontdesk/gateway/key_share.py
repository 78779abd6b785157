"""A share per API key of the turns answered at once across every replica, through Redis.

:class:`~frontdesk.gateway.fair_share.TurnSlots` shares one process's answering capacity
fairly, but each replica does so alone: a key flooding two replicas runs turns on both at
once, and when the replicas share a host's CPUs every other key's turn shares them with the
flood. :class:`KeyShare` gives each key ``cap`` turns at once cluster-wide and lends it more
while nobody else needs them (work-conserving): a turn over the cap starts only when this
process has a free slot, no turn of another key waits for a slot on any replica, and no
other key waiting here to go over its cap holds fewer turns. So a key alone uses every
slot, and once another key's turn waits, the flooding key's next turn waits instead (its
running turns finish; the waiting key gets the next free slot).

Each running turn holds a *lease*: a member of a sorted set per key in Redis whose score is
the lease's end (Redis's clock, so replicas' clocks don't matter). A turn waiting for a
process slot marks its key in a sorted set of waiting keys, leased the same way. A
background thread renews the leases and marks this process holds; a replica that crashed
or hung stops renewing, so its slots come back and its marks stop holding back others
when their leases run out. The cap defaults to half the slots the live replicas registered
(each renews its registration with its leases), at least one.

Within a process only the oldest waiting turn of a key asks Redis (every ``POLL_S``, and at
once when a turn or a slot ends here), so a queue of waiting turns costs Redis one request
per poll, not one per turn. While Redis is unreachable every turn proceeds under the
process's own slots only (logged once, reported through ``on_change``, retried every
``RETRY_REDIS_S``), as the rate limiter falls back to per-replica budgets.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import redis

from frontdesk.backend_health import BackendHealth
from frontdesk.errors import ServiceUnavailableError

log = logging.getLogger(__name__)

LEASE_S = 15.0  # a holder that stops renewing loses its slot after this
POLL_S = 0.025  # how often the oldest waiting turn of a key asks Redis again
RETRY_REDIS_S = 5.0

# KEYS[1]: the key's holders (member: lease token, score: lease end in ms, Redis time);
# KEYS[2]: keys with a turn waiting for a process slot (member: key|replica, score: mark end);
# KEYS[3..]: holders of the other keys whose turns wait here to go over their cap.
# ARGV: token, cap, lease ms, 1 when this process has a free slot, the key's mark prefix.
# Expired leases and marks go first, so a crashed replica's hold nothing back. Returns 1
# within the cap, 2 over it (lent), 0 to wait.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
local granted = 1
if held >= tonumber(ARGV[2]) then
  if ARGV[4] ~= '1' then
    return 0
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  local own = ARGV[5]
  for _, mark in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if string.sub(mark, 1, #own) ~= own then
      return 0
    end
  end
  for i = 3, #KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    if redis.call('ZCARD', KEYS[i]) < held then
      return 0
    end
  end
  granted = 2
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2 * lease)
return granted
"""

# KEYS[1]: the waiting keys; ARGV[1]: lease ms, ARGV[2..]: members to mark (or renew).
_MARK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], 2 * lease)
return 1
"""

# KEYS: holder sets; ARGV[1]: lease ms, ARGV[i+1]: the token held in KEYS[i]. Renews only
# leases still held: one reclaimed meanwhile is not taken back (that could exceed the cap).
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if redis.call('ZADD', key, 'XX', 'CH', now + lease, ARGV[i + 1]) == 1 then
    redis.call('PEXPIRE', key, 2 * lease)
  end
end
return 1
"""

# KEYS[1]: replicas (member: id, score: registration end), KEYS[2]: id -> slots.
# ARGV: id, slots, lease ms. Returns the live replicas' slots added up.
_REGISTER = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('HDEL', KEYS[2], gone)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], 2 * tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[2], 2 * tonumber(ARGV[3]))
local total = 0
for _, slots in ipairs(redis.call('HVALS', KEYS[2])) do
  total = total + tonumber(slots)
end
return total
"""


@dataclass
class Permit:
    """One of a key's cluster-wide slots (``token`` None: granted locally, Redis down;
    ``lent``: over the key's cap, while nobody else needed the slot)."""

    key: str
    token: str | None
    lent: bool = False


@dataclass
class _Queue:
    head: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0


class KeyShare:
    """``cap`` turns of one API key at once across the replicas sharing Redis, more while
    no other key waits."""

    def __init__(
        self,
        redis_url: str,
        slots: int,
        *,
        cap: int = 0,
        prefix: str = "frontdesk:turns",
        max_waiting_per_key: int = 128,
        wait_s: float = 60.0,
        lease_s: float = LEASE_S,
        on_change: Callable[[bool], None] | None = None,
        retry_s: float = RETRY_REDIS_S,
    ) -> None:
        """``slots``: this process's; ``cap`` 0: half the live replicas' slots."""
        self.slots = slots
        self.fixed_cap = cap
        self.max_waiting_per_key = max_waiting_per_key
        self.wait_s = wait_s
        self.lease_ms = int(lease_s * 1000)
        self.replica = uuid.uuid4().hex
        self._prefix = prefix
        self._waiting_keys = f"{prefix}:waiting"
        self._health = BackendHealth(
            log,
            fell_back="turn shares per API key fall back to this replica's slots: Redis "
            "unreachable",
            recovered="turn shares per API key through Redis again",
            retry_s=retry_s,
            on_change=on_change,
        )
        self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        self._acquire_script = self._redis.register_script(_ACQUIRE)
        self._mark_script = self._redis.register_script(_MARK)
        self._renew_script = self._redis.register_script(_RENEW)
        self._register_script = self._redis.register_script(_REGISTER)
        self._lock = threading.Lock()
        self._queues: dict[str, _Queue] = {}
        self._held: dict[str, str] = {}  # token -> holder set
        # Turns per key waiting for a process slot here, and the keys marked so in Redis;
        # marks change under _mark_lock so that Redis sees them in the order they happen.
        self._slot_waiters: dict[str, int] = {}
        self._marked: set[str] = set()
        self._mark_lock = threading.Lock()
        self._cluster_slots = slots
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    @property
    def cap(self) -> int:
        return self.fixed_cap or max(1, self._cluster_slots // 2)

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    def acquire(
        self, key: str, *, bounded: bool = True, may_borrow: Callable[[], bool] | None = None
    ) -> Permit:
        """Wait for one of ``key``'s slots. ``may_borrow``: whether this process has a slot
        free right now (a turn over the cap must start at once, not queue here; None: never
        over the cap). ``bounded``: 503 when too many of the key's turns already wait here,
        or none came within ``wait_s``; a turn that already started (back from the network)
        waits as long as it takes."""
        self.start()
        with self._lock:
            queue = self._queues.setdefault(key, _Queue())
            if bounded and queue.waiting >= self.max_waiting_per_key:
                raise _busy(f"{queue.waiting} messages of this API key are already waiting")
            queue.waiting += 1
        deadline = time.monotonic() + self.wait_s if bounded else None
        try:
            if not queue.head.acquire(timeout=_remaining(deadline)):
                raise _busy(f"this API key's other messages took {self.wait_s:.0f} s")
            try:
                while True:
                    queue.wake.clear()
                    permit = self._try(key, may_borrow is not None and may_borrow())
                    if permit is not None:
                        return permit
                    left = _remaining(deadline)
                    if left == 0:
                        raise _busy(f"this API key's other messages took {self.wait_s:.0f} s")
                    queue.wake.wait(POLL_S if left < 0 else min(POLL_S, left))
            finally:
                queue.head.release()
        finally:
            with self._lock:
                queue.waiting -= 1
                if queue.waiting == 0:
                    del self._queues[key]

    def release(self, permit: Permit) -> None:
        if permit.token is not None:
            with self._lock:
                holders = self._held.pop(permit.token, None)
            if holders is not None:
                with contextlib.suppress(redis.RedisError):  # else its lease runs out
                    self._redis.zrem(holders, permit.token)
        self.slot_freed()

    def slot_freed(self) -> None:
        """A turn or a process slot ended here: the waiting keys ask again at once (one of
        them may now be within its cap, or go over it in the free slot)."""
        with self._lock:
            queues = list(self._queues.values())
        for queue in queues:
            queue.wake.set()

    @contextlib.contextmanager
    def waiting_for_slot(self, key: str) -> Iterator[None]:
        """Mark ``key`` in Redis as waiting for a process slot while the block runs: until
        it ends, no other key goes over its cap on any replica."""
        with self._lock:
            self._slot_waiters[key] = self._slot_waiters.get(key, 0) + 1
        self._sync_mark(key)
        try:
            yield
        finally:
            with self._lock:
                self._slot_waiters[key] -= 1
                if self._slot_waiters[key] == 0:
                    del self._slot_waiters[key]
            self._sync_mark(key)

    def held(self, key: str) -> int:
        """Slots of ``key`` this process holds in Redis right now."""
        holders = f"{self._prefix}:{key}"
        with self._lock:
            return sum(1 for held in self._held.values() if held == holders)

    def close(self) -> None:
        """Stop renewing and leave the replicas' registry, so the others' share no longer
        counts this one's slots (an app started again registers again). Leases still held
        run out."""
        with self._lock:
            renewer, self._renewer = self._renewer, None
        self._stop.set()
        if renewer is not None:
            renewer.join(timeout=5)
            with contextlib.suppress(redis.RedisError):  # else the registration runs out
                self._redis.zrem(f"{self._prefix}:replicas", self.replica)
                self._redis.hdel(f"{self._prefix}:replica-slots", self.replica)
        self._stop = threading.Event()
        self._redis.close()

    def _try(self, key: str, may_borrow: bool) -> Permit | None:
        if not self._health.should_try():
            return Permit(key, None)
        holders = f"{self._prefix}:{key}"
        with self._lock:
            rivals = [f"{self._prefix}:{other}" for other in self._queues if other != key]
        token = uuid.uuid4().hex
        try:
            granted = self._acquire_script(
                keys=[holders, self._waiting_keys, *(rivals if may_borrow else [])],
                args=[token, self.cap, self.lease_ms, int(may_borrow), f"{key}|"],
            )
        except redis.RedisError as exc:
            self._health.failed(exc)
            return Permit(key, None)
        self._health.succeeded()
        if not granted:
            return None
        with self._lock:
            self._held[token] = holders
        return Permit(key, token, lent=granted == 2)

    def _sync_mark(self, key: str) -> None:
        """Make Redis's mark of ``key`` for this replica match whether its turns wait here.
        Redis down: nothing to tell (no turn is lent then); the beat catches up after."""
        member = f"{key}|{self.replica}"
        with self._mark_lock:
            with self._lock:
                wanted = key in self._slot_waiters
            if wanted == (key in self._marked) or self._health.backing_off():
                return
            try:
                if wanted:
                    self._mark_script(keys=[self._waiting_keys], args=[self.lease_ms, member])
                    self._marked.add(key)
                else:
                    self._marked.discard(key)  # if Redis fails, the mark's lease ends it
                    self._redis.zrem(self._waiting_keys, member)
            except redis.RedisError as exc:
                self._health.failed(exc)

    def start(self) -> None:
        """Register this replica and start renewing (at most once; the first turn starts it
        too). An app starts it with itself so that the cluster knows its slots before its
        first turn."""
        with self._lock:
            if self._renewer is not None:
                return
            self._renewer = threading.Thread(
                target=self._renew_forever, name="frontdesk-key-share", daemon=True
            )
        self._beat()  # the cluster's slots known before the first turn
        self._renewer.start()

    def _renew_forever(self) -> None:
        while not self._stop.wait(self.lease_ms / 3000):
            self._beat()

    def _beat(self) -> None:
        """Register this replica's slots, learn the cluster's, renew the leases held and
        the marks of the keys waiting here."""
        with self._lock:
            held = list(self._held.items())
        try:
            total = self._register_script(
                keys=[f"{self._prefix}:replicas", f"{self._prefix}:replica-slots"],
                args=[self.replica, self.slots, self.lease_ms],
            )
            self._cluster_slots = max(self.slots, int(total))
            if held:
                self._renew_script(
                    keys=[holders for _, holders in held],
                    args=[self.lease_ms, *(token for token, _ in held)],
                )
            with self._mark_lock:
                with self._lock:
                    waiting = list(self._slot_waiters)
                if waiting:
                    members = [f"{key}|{self.replica}" for key in waiting]
                    self._mark_script(keys=[self._waiting_keys], args=[self.lease_ms, *members])
                self._marked = set(waiting)
        except redis.RedisError as exc:
            self._health.failed(exc)


def _remaining(deadline: float | None) -> float:
    """Seconds left (0 when past), or -1 for no deadline (threading's 'forever')."""
    if deadline is None:
        return -1
    return max(0.0, deadline - time.monotonic())


def _busy(reason: str) -> ServiceUnavailableError:
    return ServiceUnavailableError(
        f"too many messages at once: {reason}; try again shortly", retry_after_s=2.0
    )
