"""Judging one reply against its row, and the report over many."""

from __future__ import annotations

import pytest

from frontdesk.evaluation import CitedSource, EvalRow, Reply, gold_matches, judge, summarize


def _row(expect: str = "answer", **fields: object) -> EvalRow:
    return EvalRow(id=str(fields.pop("id", "r")), text="q", expect=expect, **fields)


def _reply(outcome: str = "answered", text: str = "", ms: float = 10.0, **fields: object) -> Reply:
    return Reply(outcome=outcome, text=text, latency_ms=ms, **fields)


ARTICLE = CitedSource(1, "Delivery", document_key="d1", uri="/srv/hc/articles/shipping/times.md")


def test_an_answer_must_match_every_group_case_insensitively() -> None:
    row = _row(must_include=(("24 hours", "one day"), ("reset link",)))
    assert judge(row, _reply(text="The RESET   link is valid for 24 Hours.")).correct
    missed = judge(row, _reply(text="The reset link is valid for a while."))
    assert not missed.correct
    assert missed.why == "missing 24 hours | one day"


def test_an_answer_row_that_was_declined_is_wrong_whatever_the_text() -> None:
    result = judge(
        _row(), _reply("no_answer", "Sorry, I do not know.", escalation_reason="low_confidence")
    )
    assert not result.correct
    assert result.why == "expected answer, got no_answer (low_confidence)"


@pytest.mark.parametrize(
    ("expect", "outcome", "correct"),
    [
        ("decline", "no_answer", True),
        ("decline", "refused", True),
        ("decline", "clarify", True),
        ("decline", "handoff", False),
        ("decline", "answered", False),
        ("handoff", "handoff", True),
        ("handoff", "queued", True),
        ("handoff", "no_answer", False),
        ("answer", "clarify", False),
    ],
)
def test_outcomes_that_fit_each_expectation(expect: str, outcome: str, correct: bool) -> None:
    assert judge(_row(expect), _reply(outcome)).correct is correct


def test_a_forbidden_string_is_a_leak_and_makes_any_row_wrong() -> None:
    row = _row("handoff", must_not_include=("Jane", "refunded"))
    result = judge(row, _reply("handoff", "Jane, we have REFUNDED you."))
    assert result.leaked == ("Jane", "refunded")
    assert not result.correct


def test_gold_docs_match_by_external_id_or_by_the_end_of_the_source_path() -> None:
    assert gold_matches("articles/shipping/times.md", ARTICLE)
    assert gold_matches("./articles/shipping/times.md", ARTICLE)
    assert gold_matches("d1", ARTICLE)
    assert not gold_matches("shipping/other.md", ARTICLE)
    assert not gold_matches("es.md", ARTICLE)  # a path suffix, not a string suffix
    row = CitedSource(2, "Row", document_key="p-17", uri="/srv/kb/docs.jsonl#p-17")
    assert gold_matches("docs.jsonl", row)
    assert gold_matches("p-17", row)


def test_citation_hit_is_scored_only_for_answered_rows_with_gold_docs() -> None:
    row = _row(gold_docs=("articles/shipping/times.md",))
    assert judge(row, _reply(citations=(ARTICLE,))).citation_hit is True
    assert judge(row, _reply(citations=())).citation_hit is False
    assert judge(row, _reply("no_answer")).citation_hit is None
    assert judge(_row(), _reply(citations=(ARTICLE,))).citation_hit is None


def test_the_report_follows_the_contract() -> None:
    gold = ("articles/shipping/times.md",)
    results = [
        judge(_row(id="a1", kind="faq", gold_docs=gold), _reply(citations=(ARTICLE,), ms=10)),
        judge(
            _row(id="a2", kind="faq", must_include=(("x",),), gold_docs=gold),
            _reply(text="no", ms=20),
        ),
        judge(_row(id="a3", kind="faq"), _reply("no_answer", ms=30)),
        judge(_row(id="a4", kind="faq"), _reply("handoff", ms=40)),
        judge(_row("decline", id="d1", kind="oos"), _reply("answered", ms=50)),
        judge(
            _row("handoff", id="h1", kind="human", must_not_include=("Jane",)),
            _reply("handoff", "Jane", ms=60),
        ),
    ]
    report = summarize(results)
    assert report["n"] == 6
    assert report["accuracy"] == round(1 / 6, 4)  # only a1
    assert report["answered"] == 3
    assert report["answered_precision"] == 0.5  # a1 of a1, a2
    assert report["answered_unexpected"] == 1
    assert report["false_decline_rate"] == 0.5  # a3, a4 of four answerable
    assert report["escalation_rate"] == round(2 / 6, 4)
    assert report["answerable_escalation_rate"] == 0.25
    assert report["leaks"] == 1
    assert report["citation_hit"] == 0.5
    assert report["p50_ms"] == 30.0
    assert report["p95_ms"] == 60.0
    assert report["by_kind"]["faq"]["n"] == 4
    assert report["by_kind"]["faq"]["accuracy"] == 0.25
    assert report["by_kind"]["human"] == {
        "n": 1,
        "accuracy": 0.0,
        "answered": 0,
        "handoffs": 1,
        "leaks": 1,
    }


def test_generator_fallbacks_and_stage_errors_are_counted() -> None:
    results = [
        judge(_row(), _reply(flags=("generate:llm_timeout", "generate:fallback:extractive"))),
        judge(_row(), _reply("no_answer", flags=("retrieve:error",))),
        judge(_row(), _reply(flags=("intent:no_model",))),
    ]
    report = summarize(results)
    assert report["fallbacks"] == 1
    assert report["errors"] == 1


def test_rates_without_a_denominator_are_none() -> None:
    report = summarize([judge(_row("decline"), _reply("no_answer"))])
    assert report["accuracy"] == 1.0
    assert report["answered_precision"] is None
    assert report["false_decline_rate"] is None
    assert report["citation_hit"] is None
