"""Assignment by a stable hash, and the rollback triggers' minimum-sample rule."""

from __future__ import annotations

import random

from frontdesk.domain.release import Arm, Observation
from frontdesk.monitoring.intervals import wilson
from frontdesk.releases.assignment import bucket, takes_candidate
from frontdesk.releases.rollback import RollbackTriggers, fired
from frontdesk.releases.stats import arm_stats


def test_assignment_is_stable_and_close_to_the_share() -> None:
    conversations = [f"conv-{i}" for i in range(20_000)]
    first = [takes_candidate("rollout-1", c, 5.0) for c in conversations]
    again = [takes_candidate("rollout-1", c, 5.0) for c in conversations]
    assert first == again
    assert 0.045 < sum(first) / len(first) < 0.055
    # A bigger share keeps every conversation the smaller one had (a canary can grow).
    assert all(
        takes_candidate("rollout-1", c, 20.0)
        for c, chosen in zip(conversations, first, strict=True)
        if chosen
    )


def test_each_rollout_samples_its_own_conversations() -> None:
    conversations = [f"conv-{i}" for i in range(2_000)]
    a = {c for c in conversations if takes_candidate("r-a", c, 10.0)}
    b = {c for c in conversations if takes_candidate("r-b", c, 10.0)}
    assert a != b
    assert all(0 <= bucket("r-a", c) < 100 for c in conversations[:100])


def _seen(
    n: int,
    *,
    error: float = 0.0,
    latency: float = 50.0,
    confidence: float = 0.7,
    safety: float = 0.0,
    seed: int = 0,
    arm: Arm = Arm.CANDIDATE,
) -> list[Observation]:
    rng = random.Random(seed)
    return [
        Observation(
            arm=arm,
            latency_ms=latency * rng.uniform(0.6, 1.6),
            error=rng.random() < error,
            outcome="answered",
            confidence=min(1.0, max(0.0, rng.gauss(confidence, 0.15))),
            safety=rng.random() < safety,
        )
        for _ in range(n)
    ]


LIMITS = RollbackTriggers(min_sample=50)


def test_nothing_fires_below_the_minimum_sample_even_at_100_percent_errors() -> None:
    candidate = arm_stats(_seen(49, error=1.0), 50)
    production = arm_stats(_seen(500, arm=Arm.PRODUCTION), 50)
    assert candidate.needed == 1
    assert fired(candidate, production, LIMITS) is None
    candidate = arm_stats(_seen(50, error=1.0), 50)
    assert fired(candidate, production, LIMITS)["trigger"] == "error_rate"


def test_each_trigger_fires_on_a_clearly_worse_candidate() -> None:
    production = arm_stats(_seen(300, seed=1, safety=0.02), 50)
    slow = arm_stats(_seen(300, latency=2000.0), 50)
    assert fired(slow, production, LIMITS)["trigger"] == "latency_p95"
    unsure = arm_stats(_seen(300, confidence=0.4), 50)
    assert fired(unsure, production, LIMITS)["trigger"] == "confidence"
    unsafe = arm_stats(_seen(300, safety=0.15, seed=2), 50)
    assert fired(unsafe, production, LIMITS)["trigger"] == "safety_rate"


def test_identical_arms_never_fire_over_many_windows() -> None:
    false_alarms = 0
    for seed in range(200):
        candidate = arm_stats(_seen(60, seed=seed, error=0.01, safety=0.05), 50)
        production = arm_stats(_seen(500, seed=seed + 1000, error=0.01, safety=0.05), 50)
        false_alarms += fired(candidate, production, LIMITS) is not None
    assert false_alarms == 0


def test_wilson_interval_brackets_the_rate() -> None:
    low, high = wilson(5, 100)
    assert low < 0.05 < high
    assert wilson(0, 50)[0] == 0.0
