"""HybridRetriever with the real ONNX embedder over a sample of the COVID-QA FAQ."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from frontdesk.providers.embedders.onnx_minilm import OnnxEmbedder
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever
from frontdesk.retrieval.rerank import LinearReranker, compute_features
from frontdesk.retrieval.types import Chunk

DATA = Path(__file__).resolve().parents[2] / "data" / "covidqa_sample"


def load_chunks() -> list[Chunk]:
    rows = [json.loads(line) for line in (DATA / "kb.jsonl").read_text().splitlines()]
    return [Chunk(id=r["id"], text=r["answer"], title=r["question"], url=r["url"]) for r in rows]


@pytest.fixture(scope="module")
def embedder() -> OnnxEmbedder:
    model = OnnxEmbedder()
    model.warm_up()
    return model


@pytest.fixture(scope="module")
def retriever(embedder: OnnxEmbedder) -> HybridRetriever:
    hybrid = HybridRetriever(embedder)
    hybrid.add(load_chunks())
    return hybrid


@pytest.mark.slow
def test_gold_faq_is_in_the_top_three_for_paraphrases(retriever: HybridRetriever) -> None:
    queries = [json.loads(line) for line in (DATA / "queries.jsonl").read_text().splitlines()]
    hits = sum(
        1
        for q in queries
        if {p.chunk_id for p in retriever.search(q["query"], 3)} & set(q["gold_faq_ids"])
    )
    assert hits / len(queries) >= 0.9
    passages = retriever.search("What is a new coronavirus?", 3)
    assert passages[0].chunk_id == "faq-000"
    assert passages[0].title == "What is a novel coronavirus?"
    assert passages[0].url is not None
    assert passages[0].url.startswith("https://")
    assert passages[0].score >= passages[1].score


@pytest.mark.slow
def test_removed_chunks_disappear_and_re_adding_restores_them(embedder: OnnxEmbedder) -> None:
    chunks = load_chunks()
    hybrid = HybridRetriever(embedder)
    hybrid.add(chunks)
    hybrid.remove(["faq-000"])
    assert "faq-000" not in hybrid
    assert all(p.chunk_id != "faq-000" for p in hybrid.search("What is a new coronavirus?", 10))
    hybrid.add([chunks[0]])
    assert hybrid.search("What is a new coronavirus?", 1)[0].chunk_id == "faq-000"
    assert len(hybrid) == len(chunks)


@pytest.mark.slow
def test_a_misspelled_query_still_finds_the_answer(retriever: HybridRetriever) -> None:
    assert retriever.search("What is a novell coronavirrus?", 3)[0].chunk_id == "faq-000"


@pytest.mark.slow
def test_every_candidate_carries_every_signal(retriever: HybridRetriever) -> None:
    cands = retriever.candidates("How does the virus spread?")
    assert len(cands) >= 10
    assert [c.fused for c in cands] == sorted((c.fused for c in cands), reverse=True)
    assert all(-1.0 <= c.dense <= 1.0 and c.bm25 >= 0.0 for c in cands)
    compute_features("How does the virus spread?", cands, retriever.bm25.idf)
    assert all(c.features for c in cands)


@pytest.mark.slow
def test_reranker_decides_the_final_order(embedder: OnnxEmbedder) -> None:
    only_coverage = LinearReranker(weights=[1.0], mean=[0.0], scale=[1.0], features=["coverage"])
    hybrid = HybridRetriever(embedder, HybridOptions(rerank_depth=5), reranker=only_coverage)
    hybrid.add(load_chunks())
    ranked = hybrid.rank("How does the virus spread?", 5)
    assert len(ranked) == 5
    assert [c.features["coverage"] for c in ranked] == sorted(
        (c.features["coverage"] for c in ranked), reverse=True
    )


def test_options_forbid_unknown_fields_and_serialise() -> None:
    with pytest.raises(ValidationError):
        HybridOptions(wieght_bm25=0.5)
    options = HybridOptions(fusion="rrf", candidates=20)
    assert HybridOptions(**options.model_dump()) == options


def test_empty_index_and_blank_query_return_nothing(embedder: OnnxEmbedder) -> None:
    hybrid = HybridRetriever(embedder)
    assert hybrid.search("anything", 5) == []


@pytest.mark.slow
def test_words_written_apart_find_the_passage_that_writes_them_as_one(
    embedder: OnnxEmbedder,
) -> None:
    hybrid = HybridRetriever(embedder)
    hybrid.add(
        [
            Chunk(id="pickup", text="Book a pickup and our driver collects your parcels."),
            Chunk(id="saturday", text="Parcels are delivered Monday to Saturday."),
        ]
    )
    by_id = {c.chunk.id: c for c in hybrid.candidates("can you pick up my parcels")}
    assert by_id["pickup"].bm25 > 0.0  # "pick up" searched as "pickup"
    passages = {p.chunk_id: p for p in hybrid.search("can you pick up my parcels", 2)}
    # the rarity signals read the question's "pickup", not a "pick" no passage uses
    assert passages["pickup"].metadata["idf_coverage"] == 1.0
