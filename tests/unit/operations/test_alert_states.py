"""The alert state machine and what each metric measures, on plain counters."""

from __future__ import annotations

from frontdesk.domain.operations import AlertMetric, AlertState
from frontdesk.operations.alerts import measure, next_state
from frontdesk.operations.rollups import latency_bucket
from frontdesk.operations.summary import percentile_ms
from frontdesk.storage.repos.stats import Counter


def test_fires_above_the_threshold_and_resolves_only_below_the_margin() -> None:
    state = AlertState.OK
    trail = []
    for value in (0.05, 0.11, 0.09, 0.095, 0.081, 0.07, 0.09, 0.12, None):
        state = next_state(state, value, 0.10)
        trail.append(state.value)
    assert trail == [
        "ok",
        "firing",
        "firing",  # 0.09 is below the threshold but not by the 20% margin: no flapping
        "firing",
        "firing",
        "resolved",
        "resolved",
        "firing",
        "firing",  # no data: the state holds
    ]


def _counters(turns: int, **named: tuple[int, float]) -> dict[str, Counter]:
    out = {"turns": Counter(turns, 0.0)}
    out.update({name.replace("__", ":"): Counter(*value) for name, value in named.items()})
    return out


def test_measures_need_the_minimum_sample() -> None:
    few = _counters(10, safety=(5, 0.0))
    assert measure(AlertMetric.SAFETY_TRIGGER_RATE, few, {}, 20).value is None
    many = _counters(200, safety=(4, 0.0))
    measured = measure(AlertMetric.SAFETY_TRIGGER_RATE, many, {}, 20)
    assert measured.value == 0.02
    assert measured.evidence is not None
    assert 0 < measured.evidence < 0.01  # 4 in 200 could well be a 1% rate


def test_confidence_drop_compares_with_the_previous_week() -> None:
    now = _counters(100, confidence=(100, 60.0))
    before = _counters(100, confidence=(100, 80.0))
    assert measure(AlertMetric.CONFIDENCE_DROP, now, before, 50).value == 0.25
    assert measure(AlertMetric.CONFIDENCE_DROP, now, {}, 50).value is None


def test_latency_percentiles_are_within_five_percent() -> None:
    values = [float(v) for v in range(1, 10_001)]
    counters: dict[str, Counter] = {}
    for v in values:
        name = f"latency:{latency_bucket(v):03d}"
        counters[name] = Counter(counters.get(name, Counter(0, 0.0)).count + 1, 0.0)
    for q, exact in ((0.5, 5000.0), (0.95, 9500.0), (0.99, 9900.0)):
        estimate = percentile_ms(counters, q)
        assert estimate is not None
        assert exact <= estimate <= exact * 1.05
