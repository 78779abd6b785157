from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontdesk.errors import ConfigurationError
from frontdesk.retrieval.rerank import (
    FEATURES,
    LinearReranker,
    compute_features,
    train_linear_reranker,
)
from frontdesk.retrieval.types import Candidate, Chunk


def candidates(query_words: str) -> list[Candidate]:
    """Relevant chunks mention the query words but get weaker retrieval scores."""
    out = []
    for i in range(6):
        relevant = i % 3 == 0
        text = f"{query_words} details" if relevant else "unrelated shipping text"
        out.append(
            Candidate(
                chunk=Chunk(id=f"c{i}", text=text, title="Help"),
                bm25=1.0 + (0.0 if relevant else 2.0),
                dense=0.5 + 0.01 * i,
                fused=1.0 - 0.1 * i,
            )
        )
    return out


def training_set() -> list[tuple[list[Candidate], set[str]]]:
    groups = []
    for words in ("refund policy", "reset password", "cancel plan", "export invoices"):
        cands = candidates(words)
        compute_features(words, cands)
        groups.append((cands, {c.chunk.id for c in cands if words in c.chunk.text}))
    return groups


def test_learns_to_put_covering_chunks_first() -> None:
    model = train_linear_reranker(training_set())
    fresh = candidates("change email")
    compute_features("change email", fresh)
    order = [c.chunk.id for c in model.rerank("change email", fresh)]
    assert set(order[:2]) == {"c0", "c3"}
    assert len(order) == len(fresh)


def test_features_are_complete_and_relative_to_the_list() -> None:
    cands = candidates("refund policy")
    compute_features("refund policy", cands)
    assert set(cands[0].features) == set(FEATURES)
    assert cands[0].features["coverage"] == 1.0
    assert cands[1].features["coverage"] == 0.0
    assert max(c.features["bm25_norm"] for c in cands) == 1.0


def test_round_trips_through_json_without_pickle(tmp_path: Path) -> None:
    model = train_linear_reranker(training_set(), metadata={"trained_on": "unit"})
    path = tmp_path / "reranker.json"
    model.save(path)
    loaded = LinearReranker.load(path)
    assert json.loads(path.read_text())["format"] == "frontdesk-linear-reranker/1"
    a = [c.chunk.id for c in model.rerank("cancel plan", candidates("cancel plan"))]
    b = [c.chunk.id for c in loaded.rerank("cancel plan", candidates("cancel plan"))]
    assert a == b
    assert loaded.metadata["trained_on"] == "unit"


def test_bad_model_files_raise_configuration_errors(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"format": "something-else"}')
    with pytest.raises(ConfigurationError):
        LinearReranker.load(tmp_path / "x.json")
    with pytest.raises(ConfigurationError):
        LinearReranker.load(tmp_path / "missing.json")
    with pytest.raises(ConfigurationError):
        LinearReranker([1.0], [0.0], [1.0], features=["no_such_feature"])


def test_training_needs_queries_with_both_kinds_of_candidates() -> None:
    cands = candidates("refund policy")
    compute_features("refund policy", cands)
    with pytest.raises(ConfigurationError):
        train_linear_reranker([(cands, set())])
