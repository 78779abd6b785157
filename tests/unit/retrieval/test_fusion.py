from __future__ import annotations

import numpy as np
import pytest

from frontdesk.retrieval.fusion import (
    Normalization,
    convex,
    normalize,
    normalize_array,
    ranked,
    rrf,
)


def test_rrf_rewards_items_ranked_well_by_both_lists() -> None:
    fused = ranked(rrf([["a", "b", "c"], ["b", "c", "a"]], k=60))
    assert fused[0][0] == "b"
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_rrf_weights_tilt_the_order() -> None:
    lists = [["a", "b"], ["b", "a"]]
    assert ranked(rrf(lists, weights=[3.0, 1.0]))[0][0] == "a"
    assert ranked(rrf(lists, weights=[1.0, 3.0]))[0][0] == "b"


def test_convex_fusion_follows_the_heavier_signal() -> None:
    keyword = {"a": 10.0, "b": 2.0, "c": 0.0}
    dense = {"a": 0.2, "b": 0.9, "c": 0.5}
    assert ranked(convex([keyword, dense], [0.8, 0.2]))[0][0] == "a"
    assert ranked(convex([keyword, dense], [0.2, 0.8]))[0][0] == "b"


def test_missing_candidates_get_the_signal_minimum() -> None:
    fused = convex([{"a": 1.0, "b": 0.5}, {"a": 0.1, "c": 0.9}], [1.0, 1.0])
    assert set(fused) == {"a", "b", "c"}
    assert fused["c"] == pytest.approx(0.0 + 1.0)


def test_normalizations() -> None:
    assert normalize({"a": 2.0, "b": 4.0}, "minmax") == {"a": 0.0, "b": 1.0}
    assert normalize({"a": 2.0, "b": 4.0}, "max") == {"a": 0.5, "b": 1.0}
    z = normalize({"a": 1.0, "b": 3.0}, "zscore")
    assert z["a"] == pytest.approx(-1.0)
    assert normalize({}, "minmax") == {}


def test_ties_break_by_id_for_determinism() -> None:
    assert ranked({"b": 1.0, "a": 1.0}) == [("a", 1.0), ("b", 1.0)]


@pytest.mark.parametrize("method", ["minmax", "max", "zscore"])
def test_array_normalization_matches_the_mapping_version(method: Normalization) -> None:
    values = {"a": 0.25, "b": 3.0, "c": 1.5, "d": 0.0}
    arrays = normalize_array(np.array(list(values.values())), method)
    expected = normalize(values, method)
    assert arrays.tolist() == pytest.approx([expected[k] for k in values])
    assert normalize_array(np.array([2.0, 2.0]), method).tolist() == list(
        normalize({"a": 2.0, "b": 2.0}, method).values()
    )
