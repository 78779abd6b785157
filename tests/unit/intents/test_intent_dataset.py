"""Loading labelled examples: every bad file names the row or the label at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.errors import InvalidInputError, PayloadTooLargeError
from frontdesk.intents import (
    OUT_OF_SCOPE,
    DatasetOptions,
    LabelledExample,
    load_examples,
    parse_examples,
    validate_examples,
)
from frontdesk.intents.dataset import EVALUATION, TRAINING, load_example_set

SMALL = DatasetOptions(min_examples_per_label=2)


def _jsonl(tmp_path: Path, lines: list[str], name: str = "examples.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _good_lines() -> list[str]:
    return [
        '{"text": "where is my card", "label": "card_arrival"}',
        '{"text": "my card has not arrived", "label": "card_arrival"}',
        '{"text": "how do I top up", "label": "top_up"}',
        '{"text": "add money to my account", "label": "top_up"}',
        '{"text": "what is the meaning of life", "label": "OOS"}',
    ]


def test_loads_jsonl_and_marks_out_of_scope(tmp_path: Path) -> None:
    examples = load_examples(_jsonl(tmp_path, _good_lines()), SMALL)
    assert [e.row for e in examples] == [1, 2, 3, 4, 5]
    assert examples[4].label == OUT_OF_SCOPE
    assert examples[4].out_of_scope
    assert examples[0] == LabelledExample("where is my card", "card_arrival", 1)


def test_loads_csv_with_quoted_commas(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_text(
        "label,text\n"
        'card_arrival,"where, exactly, is my card"\n'
        "card_arrival,card not here\n"
        "top_up,top up please\n"
        "top_up,add money\n"
        "out_of_scope,tell me a joke\n",
        encoding="utf-8",
    )
    examples = load_examples(path, SMALL)
    assert examples[0].text == "where, exactly, is my card"
    assert examples[-1].out_of_scope
    assert examples[-1].row == 6


def test_empty_label_names_the_row(tmp_path: Path) -> None:
    lines = _good_lines()
    lines.insert(2, '{"text": "hello there", "label": "  "}')
    with pytest.raises(InvalidInputError, match=r"row 3: missing or empty label"):
        load_examples(_jsonl(tmp_path, lines), SMALL)


def test_missing_text_names_the_row(tmp_path: Path) -> None:
    lines = _good_lines()
    lines.append('{"label": "top_up"}')
    with pytest.raises(InvalidInputError, match=r"row 6: missing or empty text"):
        load_examples(_jsonl(tmp_path, lines), SMALL)


def test_csv_row_with_empty_text_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_text("text,label\nwhere is my card,card_arrival\n,top_up\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"row 3: missing or empty text"):
        load_examples(path, SMALL)


def test_label_with_too_few_examples_is_named(tmp_path: Path) -> None:
    lines = [*_good_lines(), '{"text": "close my account", "label": "close_account"}']
    with pytest.raises(InvalidInputError, match=r"'close_account' has 1"):
        load_examples(_jsonl(tmp_path, lines), SMALL)


def test_exact_duplicate_names_both_rows(tmp_path: Path) -> None:
    lines = [*_good_lines(), '{"text": "how do I top up", "label": "top_up"}']
    with pytest.raises(InvalidInputError, match=r"rows 3 and 6: duplicate example"):
        load_examples(_jsonl(tmp_path, lines), SMALL)


def test_exact_duplicates_can_be_dropped_on_request(tmp_path: Path) -> None:
    lines = [*_good_lines(), '{"text": "how do I top up", "label": "top_up"}']
    options = DatasetOptions(min_examples_per_label=2, duplicates="merge")
    assert len(load_examples(_jsonl(tmp_path, lines), options)) == 5


def test_conflicting_duplicate_names_rows_and_labels(tmp_path: Path) -> None:
    lines = [*_good_lines(), '{"text": "where is my card", "label": "top_up"}']
    with pytest.raises(InvalidInputError, match=r"rows 1 and 6: .*'card_arrival' and 'top_up'"):
        load_examples(_jsonl(tmp_path, lines), SMALL)


def test_non_utf8_bytes_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "examples.jsonl"
    data = "\n".join(_good_lines()).encode() + b'\n{"text": "caf\xe9 card", "label": "top_up"}\n'
    path.write_bytes(data)
    with pytest.raises(InvalidInputError, match=r"row 6: not valid UTF-8"):
        load_examples(path, SMALL)


def test_malformed_json_names_the_row(tmp_path: Path) -> None:
    lines = _good_lines()
    lines[1] = '{"text": "broken'
    with pytest.raises(InvalidInputError, match=r"row 2: not valid JSON"):
        load_examples(_jsonl(tmp_path, lines), SMALL)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:  # sparse: 100 MB reported, nothing written
        handle.truncate(100 * 1024 * 1024)
    with pytest.raises(PayloadTooLargeError, match=r"104,857,600 bytes; the limit is"):
        load_examples(path)


def test_uploaded_bytes_over_the_cap_are_refused() -> None:
    with pytest.raises(PayloadTooLargeError):
        parse_examples(b"x" * 101, "jsonl", DatasetOptions(max_bytes=100))


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "examples.xlsx"
    path.write_bytes(b"")
    with pytest.raises(InvalidInputError, match=r"use \.csv or \.jsonl"):
        load_examples(path)


def test_csv_without_text_and_label_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "examples.csv"
    path.write_text("utterance,intent\nhi,greet\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"row 1: the CSV header"):
        load_examples(path)


def test_only_out_of_scope_examples_is_refused() -> None:
    examples = [LabelledExample(f"text {i}", OUT_OF_SCOPE) for i in range(10)]
    with pytest.raises(InvalidInputError, match=r"at least 2 intents"):
        validate_examples(examples, SMALL)


def test_in_memory_duplicates_are_numbered_by_position() -> None:
    examples = [LabelledExample("a", "x"), LabelledExample("b", "x"), LabelledExample("a", "x")]
    with pytest.raises(InvalidInputError, match=r"rows 1 and 3"):
        validate_examples(examples, SMALL)


def test_training_merges_exact_duplicates_and_lists_them(tmp_path: Path) -> None:
    lines = [*_good_lines(), '{"text": "  how do I top up\\n", "label": "top_up"}']
    lines += [f'{{"text": "top up {i}", "label": "top_up"}}' for i in range(3)]
    lines += [f'{{"text": "card {i}", "label": "card_arrival"}}' for i in range(3)]
    loaded = load_example_set(_jsonl(tmp_path, lines), TRAINING)
    assert loaded.duplicates == ((6, 3),)
    assert [e.text for e in loaded.examples].count("how do I top up") == 1
    assert len(loaded.examples) == 11


def test_training_still_refuses_one_text_under_two_labels(tmp_path: Path) -> None:
    lines = [*_good_lines(), '{"text": "where is my card", "label": "top_up"}']
    options = DatasetOptions(min_examples_per_label=2, duplicates="merge")
    with pytest.raises(InvalidInputError, match=r"rows 1 and 6: .*'card_arrival' and 'top_up'"):
        load_examples(_jsonl(tmp_path, lines), options)


def test_evaluation_takes_any_labelled_set_as_it_is(tmp_path: Path) -> None:
    lines = [
        '{"text": "where is my card", "label": "card_arrival"}',
        '{"text": "where is my card", "label": "card_arrival"}',
        '{"text": "close my account", "label": "close_account"}',
    ]
    loaded = load_example_set(_jsonl(tmp_path, lines), EVALUATION)
    assert [e.row for e in loaded.examples] == [1, 2, 3]
    assert loaded.duplicates == ((2, 1),)


def test_evaluation_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"no examples"):
        load_examples(path, EVALUATION)
