"""The pieces of ``knowledge adapt`` that need no model: nDCG@10 and the training batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

from frontdesk.knowledge.adapt.evaluation import ndcg_at_10
from frontdesk.knowledge.adapt.training import AdaptOptions, _batches


def test_ndcg_is_one_for_the_gold_first_and_discounted_below() -> None:
    assert ndcg_at_10([["a", "b"]], [{"a"}]) == 1.0
    assert ndcg_at_10([["b", "a"]], [{"a"}]) == round(1 / math.log2(3), 4)
    assert ndcg_at_10([["b"] * 10 + ["a"]], [{"a"}]) == 0.0  # below the tenth place
    # Two golds, one found first: DCG 1 over the ideal 1 + 1/log2(3).
    assert ndcg_at_10([["a", "x"]], [{"a", "b"}]) == pytest.approx(
        1 / (1 + 1 / math.log2(3)), abs=1e-4
    )


def test_batches_cover_the_pairs_epoch_by_epoch_and_honour_the_step_cap() -> None:
    options = AdaptOptions(epochs=2, batch_size=4)
    batches = _batches(10, options, np.random.default_rng(0))
    assert [len(b) for b in batches] == [4, 4, 4, 4, 4]
    first_pass = [i for b in batches for i in b][:10]
    assert sorted(first_pass) == list(range(10))
    capped = _batches(
        10, AdaptOptions(epochs=2, batch_size=4, max_steps=2), np.random.default_rng(0)
    )
    assert capped == batches[:2]
    # A last batch of one pair has no negative: dropped.
    assert [
        len(b) for b in _batches(9, AdaptOptions(epochs=1, batch_size=4), np.random.default_rng(0))
    ] == [4, 4]
