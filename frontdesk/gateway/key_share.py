"""A cap per API key on the turns answered at once across every replica, through Redis.

:class:`~frontdesk.gateway.fair_share.TurnSlots` shares one process's answering capacity
fairly, but each replica does so alone: a key flooding two replicas runs a turn on both at
once, and when the replicas share a host's CPUs every other key's turn shares them with the
flood. :class:`KeyShare` bounds a key to ``cap`` turns at once cluster-wide; its other turns
wait (accepted, not refused) until one of the key's turns ends anywhere.

Each running turn holds a *lease*: a member of a sorted set per key in Redis whose score is
the lease's end (Redis's clock, so replicas' clocks don't matter). A background thread
renews the leases this process holds; a replica that crashed or hung stops renewing and its
slots are reclaimed when their leases run out. The cap defaults to half the slots the live
replicas registered (each renews its registration with its leases), at least one: a key may
take at most half the cluster, and the other half stays for everyone else.

Within a process only the oldest waiting turn of a key asks Redis (every ``POLL_S``, and at
once when a turn of the same key ends here), so a queue of waiting turns costs Redis one
request per poll, not one per turn. While Redis is unreachable every turn proceeds under the
process's own slots only (logged once, reported through ``on_change``, retried every
``RETRY_REDIS_S``), as the rate limiter falls back to per-replica budgets.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from frontdesk.backend_health import BackendHealth
from frontdesk.errors import ServiceUnavailableError

log = logging.getLogger(__name__)

LEASE_S = 15.0  # a holder that stops renewing loses its slot after this
POLL_S = 0.025  # how often the oldest waiting turn of a key asks Redis again
RETRY_REDIS_S = 5.0

# KEYS[1]: the key's holders (member: lease token, score: lease end in ms, Redis time).
# ARGV: token, cap, lease ms. Expired leases go first, so a crashed holder's slot returns.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 2 * lease)
  return 1
end
return 0
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
    """One of a key's cluster-wide slots (``token`` None: granted locally, Redis down)."""

    key: str
    token: str | None


@dataclass
class _Queue:
    head: threading.Lock = field(default_factory=threading.Lock)
    wake: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0


class KeyShare:
    """At most ``cap`` turns of one API key at once across the replicas sharing Redis."""

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
        self._renew_script = self._redis.register_script(_RENEW)
        self._register_script = self._redis.register_script(_REGISTER)
        self._lock = threading.Lock()
        self._queues: dict[str, _Queue] = {}
        self._held: dict[str, str] = {}  # token -> holder set
        self._cluster_slots = slots
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    @property
    def cap(self) -> int:
        return self.fixed_cap or max(1, self._cluster_slots // 2)

    @property
    def degraded(self) -> bool:
        return self._health.degraded

    def acquire(self, key: str, *, bounded: bool = True) -> Permit:
        """Wait for one of ``key``'s slots. ``bounded``: 503 when too many of the key's
        turns already wait here, or none came within ``wait_s``; a turn that already
        started (back from the network) waits as long as it takes."""
        self._start()
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
                    permit = self._try(key)
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
        with self._lock:
            queue = self._queues.get(permit.key)
        if queue is not None:
            queue.wake.set()

    def held(self, key: str) -> int:
        """Slots of ``key`` this process holds in Redis right now."""
        holders = f"{self._prefix}:{key}"
        with self._lock:
            return sum(1 for held in self._held.values() if held == holders)

    def close(self) -> None:
        """Stop renewing (an app started again starts it again). Leases still held run out."""
        with self._lock:
            renewer, self._renewer = self._renewer, None
        self._stop.set()
        if renewer is not None:
            renewer.join(timeout=5)
        self._stop = threading.Event()
        self._redis.close()

    def _try(self, key: str) -> Permit | None:
        if not self._health.should_try():
            return Permit(key, None)
        holders = f"{self._prefix}:{key}"
        token = uuid.uuid4().hex
        try:
            granted = self._acquire_script(keys=[holders], args=[token, self.cap, self.lease_ms])
        except redis.RedisError as exc:
            self._health.failed(exc)
            return Permit(key, None)
        self._health.succeeded()
        if not granted:
            return None
        with self._lock:
            self._held[token] = holders
        return Permit(key, token)

    def _start(self) -> None:
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
        """Register this replica's slots, learn the cluster's, renew the leases held."""
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
