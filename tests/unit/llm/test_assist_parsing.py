"""Parsing the auxiliary completions and fusing expanded searches, without a model."""

from __future__ import annotations

import pytest

from frontdesk.llm.assist import (
    LlmAssistant,
    LlmUnusableError,
    parse_passage,
    parse_queries,
    parse_question,
    parse_summary,
)
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.pipeline.stages.expand import fuse
from frontdesk.pipeline.state import Passage


def _p(chunk_id: str, score: float, dense: float = 0.5) -> Passage:
    return Passage(
        chunk_id=chunk_id,
        text=chunk_id,
        title=chunk_id,
        score=score,
        metadata={"dense": dense, "dense_title": dense},
    )


def test_queries_come_from_json_and_drop_repeats_and_the_original() -> None:
    text = '{"queries": ["How do refunds work?", "how do REFUNDS work", "Refund time?", "x"]}'
    assert parse_queries(text, count=3, original="Refund time") == ["How do refunds work?"]


def test_queries_come_from_numbered_lines_and_are_capped() -> None:
    text = '```\n1. change delivery address\n2) refund duration\n- "gift card validity"\n```'
    assert parse_queries(text, count=2) == ["change delivery address", "refund duration"]


def test_only_the_original_query_back_is_unusable() -> None:
    with pytest.raises(LlmUnusableError):
        parse_queries(
            '{"queries": ["Where is my parcel?"]}', count=3, original="where is my parcel"
        )


def test_a_question_is_the_first_line_without_label_or_quotes() -> None:
    text = 'Standalone question: "How much does shipping to Norway cost?"\nIt depends.'
    assert parse_question(text) == "How much does shipping to Norway cost?"
    with pytest.raises(LlmUnusableError):
        parse_question("   \n")


def test_passages_and_summaries_are_one_line_and_summaries_are_capped() -> None:
    assert parse_passage("Passage:\nRefunds take\n5 days.") == "Refunds take 5 days."
    summary = parse_summary("Summary: " + "word " * 200, limit=50)
    assert len(summary) == 50
    assert summary.endswith("\u2026")
    with pytest.raises(LlmUnusableError):
        parse_passage("ok")


def test_fusion_keeps_the_original_top_hit_first_on_a_tie() -> None:
    original = [_p("a", 0.9), _p("b", 0.5)]
    expansion = [_p("b", 0.99), _p("a", 0.1)]
    fused = fuse([original, expansion], ["query", "hyde"], top_k=2)
    assert [p.chunk_id for p in fused] == ["a", "b"]
    assert fused[0].score == 0.9  # the original query's score, not the expansion's
    assert fused[0].metadata["found_by"] == ["query", "hyde"]


def test_a_passage_only_an_expansion_found_gets_the_floor_score_and_no_similarity() -> None:
    original = [_p("a", 0.9), _p("b", 0.4)]
    expansion = [_p("c", 0.95, dense=0.9), _p("a", 0.3)]
    fused = fuse([original, expansion], ["query", "q1"], top_k=3)
    assert [p.chunk_id for p in fused] == ["a", "b", "c"]
    only = fused[2]
    assert only.score == 0.4
    assert only.metadata["dense"] is None
    assert only.metadata["found_by"] == ["q1"]


def test_consensus_of_several_queries_outranks_a_single_first_place() -> None:
    original = [_p("a", 0.9), _p("b", 0.8)]
    fused = fuse([original, [_p("b", 1.0)], [_p("b", 1.0)]], ["query", "q1", "q2"], top_k=1)
    assert [p.chunk_id for p in fused] == ["b"]


def test_an_assistant_needs_providers() -> None:
    with pytest.raises(ValueError, match="at least one provider"):
        LlmAssistant(providers=[], breakers=BreakerBoard())
