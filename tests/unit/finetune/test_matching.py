"""Same question or nearly: normalisation, near matches, and reading evaluation files."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.errors import InvalidInputError
from frontdesk.finetune import EvalText, NearMatcher, normalise, read_eval_texts


def test_normalise_folds_case_punctuation_spacing_and_unicode_forms() -> None:
    assert normalise("  Where's my PARCEL?!\n") == "where s my parcel"
    assert normalise("Ｃａｆé   crème") == normalise("café crème")


def test_matches_exactly_after_normalisation_and_nearly_with_a_typo() -> None:
    matcher = NearMatcher(
        [EvalText("a", "How do I cancel my subscription?"), EvalText("b", "Where is my parcel?")]
    )
    exact = matcher.match("how do i cancel my subscription")
    assert exact is not None
    assert (exact.eval_id, exact.kind) == ("a", "exact")
    near = matcher.match("How do I cancle my subscription")
    assert near is not None
    assert (near.eval_id, near.kind) == ("a", "near")


def test_different_questions_sharing_words_do_not_match() -> None:
    matcher = NearMatcher([EvalText("a", "How do I cancel my subscription?")])
    assert matcher.match("How do I upgrade my subscription to the Plus plan?") is None
    assert matcher.match("How do I cancel my parcel?") is None
    assert matcher.match("?!") is None


def test_words_common_to_the_whole_set_do_not_select_candidates() -> None:
    texts = [EvalText(str(i), f"how do I track parcel number {i}") for i in range(200)]
    matcher = NearMatcher(texts)
    near = matcher.match("how do I trak parcel number 17")
    assert near is not None
    assert (near.eval_id, near.kind) == ("17", "near")


def test_reads_jsonl_and_csv_sets(tmp_path: Path) -> None:
    jsonl = tmp_path / "eval.jsonl"
    jsonl.write_text('{"id": "q1", "text": "hi"}\n\n{"question": "refunds?"}\n', encoding="utf-8")
    assert read_eval_texts(jsonl) == [EvalText("q1", "hi"), EvalText("eval.jsonl:3", "refunds?")]
    table = tmp_path / "eval.csv"
    table.write_text("label,Text\ngreet,hello there\n", encoding="utf-8")
    assert read_eval_texts(table) == [EvalText("eval.csv:2", "hello there")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("eval.jsonl", '{"text": "ok"}\n{"label": "x"}\n', r"line 2: expected an object"),
        ("eval.jsonl", '{"text": "ok"}\n{broken\n', r"line 2: not valid JSON"),
        ("eval.csv", "label,intent\nx,y\n", r"line 1: the CSV header"),
    ],
)
def test_a_bad_eval_file_names_the_line(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message):
        read_eval_texts(path)
