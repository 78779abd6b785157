from __future__ import annotations

import numpy as np
import pytest

from frontdesk.errors import InvalidInputError
from frontdesk.retrieval.dense import DenseIndex, top_rows


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def make_index() -> DenseIndex:
    index = DenseIndex(3)
    index.add(["x", "y", "z"], np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)]))
    return index


def test_search_returns_nearest_first_with_cosine_scores() -> None:
    hits = make_index().search(unit(0.9, 0.1, 0), 2)
    assert [h[0] for h in hits] == ["x", "y"]
    assert hits[0][1] == pytest.approx(float(unit(0.9, 0.1, 0)[0]), abs=1e-6)


def test_removal_keeps_the_other_vectors_addressable() -> None:
    index = make_index()
    index.remove(["x"])  # the last row moves into the hole
    assert len(index) == 2
    assert "x" not in index
    assert index.search(unit(0, 0, 1), 1)[0][0] == "z"
    assert np.allclose(index.vector("z"), unit(0, 0, 1))
    assert all(h[0] != "x" for h in index.search(unit(1, 0, 0), 3))


def test_re_adding_an_id_replaces_its_vector() -> None:
    index = make_index()
    index.add(["x"], unit(0, 1, 1)[None, :])
    assert len(index) == 3
    assert index.search(unit(0, 1, 1), 1)[0][0] == "x"


def test_grows_past_initial_capacity() -> None:
    index = DenseIndex(2)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(200, 2)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index.add([f"v{i}" for i in range(200)], vectors)
    assert index.search(vectors[137], 1)[0][0] == "v137"


def test_wrong_shape_is_rejected() -> None:
    with pytest.raises(InvalidInputError):
        make_index().add(["a"], np.zeros((1, 4), dtype=np.float32))
    with pytest.raises(InvalidInputError):
        make_index().add(["a", "a"], np.zeros((2, 3), dtype=np.float32))


def test_similarities_are_the_cosines_in_row_order() -> None:
    index = make_index()
    index.remove(["x"])
    query = unit(0.2, 0.3, 0.9)
    scores = index.similarities(query)
    assert len(scores) == len(index.ids) == 2
    for chunk_id in index.ids:
        expected = float(index.vector(chunk_id) @ query)
        assert float(scores[index.row(chunk_id)]) == pytest.approx(expected, abs=1e-6)
    assert index.row("x") == -1


def test_top_rows_orders_best_first_and_breaks_ties_by_row() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.1, 0.9], dtype=np.float32)
    assert top_rows(scores, 3).tolist() == [1, 4, 0]
    assert top_rows(scores, 10).tolist() == [1, 4, 0, 2, 3]
    assert top_rows(scores, 0).tolist() == []
