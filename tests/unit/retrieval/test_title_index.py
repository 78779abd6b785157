from __future__ import annotations

import numpy as np
import pytest

from frontdesk.retrieval.titles import TitleIndex


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


VECTORS = {"Refunds": unit(1, 0), "Shipping": unit(0, 1)}


def make_index() -> TitleIndex:
    index = TitleIndex(2)
    index.add(["r1", "r2", "s1"], ["Refunds", "Refunds", "Shipping"], VECTORS)
    return index


def test_chunks_sharing_a_title_share_one_vector_and_score_alike() -> None:
    index = make_index()
    assert len(index) == 3
    assert index.titles() == {"Refunds", "Shipping"}
    scores = index.similarities(unit(1, 0))
    by_id = {chunk_id: float(scores[index.row(chunk_id)]) for chunk_id in index.ids}
    assert by_id["r1"] == by_id["r2"] == pytest.approx(1.0)
    assert by_id["s1"] == pytest.approx(0.0, abs=1e-6)
    assert index.row("missing") == -1


def test_a_title_is_dropped_with_its_last_chunk() -> None:
    index = make_index()
    index.remove(["r1"])
    assert index.titles() == {"Refunds", "Shipping"}
    index.remove(["r2", "unknown"])
    assert index.titles() == {"Shipping"}
    assert list(index.ids) == ["s1"]
    assert float(index.similarities(unit(0, 1))[index.row("s1")]) == pytest.approx(1.0)


def test_re_adding_a_chunk_moves_it_to_its_new_title() -> None:
    index = make_index()
    index.add(["r1"], ["Shipping"], {})
    assert float(index.similarities(unit(0, 1))[index.row("r1")]) == pytest.approx(1.0)
    assert len(index) == 3
