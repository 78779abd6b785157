import pytest

from frontdesk.evaluation.fairness import Observation, audit
from frontdesk.monitoring.intervals import wilson


def test_wilson_intervals_match_the_textbook_values() -> None:
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def _group(segment: str, n: int, escalated: int) -> list[Observation]:
    return [Observation(segment, escalated=i < escalated, refused=False) for i in range(n)]


def test_a_real_gap_is_flagged_and_a_small_unlucky_segment_is_not() -> None:
    observations = _group("en", 200, 20) + _group("de", 100, 40) + _group("fr", 6, 2)
    report = audit(observations, threshold=0.1, min_n=5)
    by_value = {s["value"]: s for s in report["segments"]}
    assert by_value["de"]["escalation_rate"] == 0.4
    assert by_value["de"]["gap"] == pytest.approx(0.3)
    # fr's 2 of 6 is a gap of 0.23 too, but its interval still overlaps en's: not flagged.
    assert by_value["fr"]["gaps"]["escalation_rate"] == pytest.approx(0.2333, abs=1e-4)
    assert [(f["value"], f["metric"], f["best"]) for f in report["flagged"]] == [
        ("de", "escalation_rate", "en")
    ]


def test_accuracy_gaps_count_the_other_way() -> None:
    observations = [Observation("en", False, False, correct=i < 45) for i in range(50)] + [
        Observation("de", False, False, correct=i < 20) for i in range(50)
    ]
    report = audit(observations)
    assert report["flagged"] == [{"value": "de", "metric": "accuracy", "gap": 0.5, "best": "en"}]
