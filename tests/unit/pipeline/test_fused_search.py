"""A translated question's search fused with the search for the customer's own words."""

from __future__ import annotations

from frontdesk.pipeline.stages.retrieve import fused
from frontdesk.pipeline.state import Passage


def _passage(chunk_id: str, search: str) -> Passage:
    return Passage(
        chunk_id=chunk_id, text="text", title=chunk_id, score=0.5, metadata={"by": search}
    )


def test_a_passage_both_searches_rank_well_leads_and_keeps_the_first_searchs_scores() -> None:
    translated = [_passage(c, "translated") for c in ("a", "b", "c")]
    untranslated = [_passage(c, "untranslated") for c in ("b", "d", "a")]
    ranked = fused(translated, untranslated)
    assert [p.chunk_id for p in ranked] == ["b", "a", "d", "c"]
    assert {p.chunk_id: p.metadata["by"] for p in ranked} == {
        "a": "translated",
        "b": "translated",
        "c": "translated",
        "d": "untranslated",
    }


def test_equal_ranks_go_to_the_translated_search_and_nothing_is_lost() -> None:
    ranked = fused([_passage("x", "t")], [_passage("y", "u")])
    assert [p.chunk_id for p in ranked] == ["x", "y"]
    assert fused([], [_passage("y", "u")])[0].chunk_id == "y"
