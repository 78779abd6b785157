"""Eval rows: the schema, its defaults, and a bad file refused with its line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontdesk.errors import InvalidInputError
from frontdesk.evaluation import EvalRow, load_rows, parse_rows, select_split

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "eval_helpcenter" / "eval.jsonl"


def _line(**fields: object) -> str:
    return json.dumps({"id": "r1", "text": "hi", "expect": "answer", **fields})


def test_the_sample_set_parses_with_both_splits_and_every_expectation() -> None:
    rows = load_rows(SAMPLE)
    assert len(rows) == 13
    assert {r.expect for r in rows} == {"answer", "decline", "handoff"}
    assert {r.split for r in rows} == {"dev", "test"}
    followup = next(r for r in rows if r.turns)
    assert followup.turns == ("I want to send a parcel to Italy",)


def test_a_row_gets_groups_of_alternatives_and_defaults() -> None:
    (row,) = parse_rows([_line(must_include=[["24 hours", "24 h"], "reset"], turns=["hello"])])
    assert row == EvalRow(
        id="r1",
        text="hi",
        expect="answer",
        must_include=(("24 hours", "24 h"), ("reset",)),
        turns=("hello",),
    )
    assert row.kind == "general"
    assert row.split is None


def test_blank_lines_are_skipped() -> None:
    rows = parse_rows(["", _line(), "  ", _line(id="r2")])
    assert [r.id for r in rows] == ["r1", "r2"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("{not json", "json"),
        ("[1, 2]", "json"),
        (_line(expect="maybe"), "expect"),
        (json.dumps({"text": "hi", "expect": "answer"}), "id"),
        (_line(text="   "), "text"),
        (_line(must_include=[[]]), "must_include"),
        (_line(must_include="24 hours"), "must_include"),
        (_line(must_include=[["ok", 3]]), "must_include"),
        (_line(must_not_include="Jane"), "must_not_include"),
        (_line(gold_docs=[""]), "gold_docs"),
        (_line(split="train"), "split"),
        (_line(turns=[{"text": "hi"}]), "turns"),
        (_line(kind=7), "kind"),
        (_line(mustinclude=[["x"]]), "mustinclude"),
    ],
)
def test_a_bad_row_names_its_line_and_field(line: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_rows([_line(id="fine"), "", line], source="set.jsonl")
    assert caught.value.field == field
    assert caught.value.message.startswith(f"set.jsonl line 3: field '{field}':")


def test_a_repeated_id_is_refused_with_both_lines() -> None:
    with pytest.raises(InvalidInputError, match=r"line 2: field 'id'.*already used on line 1"):
        parse_rows([_line(), _line()])


def test_an_empty_or_unreadable_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    with pytest.raises(InvalidInputError, match="holds no rows"):
        load_rows(empty)
    with pytest.raises(InvalidInputError, match="cannot read"):
        load_rows(tmp_path / "missing.jsonl")


def test_select_split_keeps_one_split_and_refuses_an_empty_one() -> None:
    rows = parse_rows([_line(split="dev"), _line(id="r2", split="test"), _line(id="r3")])
    assert [r.id for r in select_split(rows, "test")] == ["r2"]
    assert len(select_split(rows, None)) == 3
    with pytest.raises(InvalidInputError, match="no rows have split 'dev'"):
        select_split(rows[1:], "dev")
