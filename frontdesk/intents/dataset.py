"""Labelled intent examples from CSV or JSONL, validated before any training starts.

A file has one example per row with a ``text`` and a ``label``; the label ``oos`` or
``out_of_scope`` (any case) marks an out-of-scope example, stored under the canonical
label :data:`OUT_OF_SCOPE`. Every problem raises :class:`InvalidInputError` (or
:class:`PayloadTooLargeError` for an oversized file) naming the 1-based line or the label,
so a tenant can fix the file; nothing is trained from a file that fails.

Public sets repeat themselves (BANKING77's train split has 4 exact duplicates, its test
split 1), so :data:`TRAINING` merges exact duplicates and refuses only a text under two
labels, and :data:`EVALUATION` scores any labelled set as it is.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from frontdesk.errors import InvalidInputError, PayloadTooLargeError

OUT_OF_SCOPE = "out_of_scope"
_OOS_ALIASES = frozenset({"oos", "out_of_scope", "out-of-scope"})

FileFormat = Literal["csv", "jsonl"]
Duplicates = Literal["refuse", "merge", "keep"]
"""What to do with a repeated text: refuse the file; merge repeats of the same (text,
label) into the first and refuse a text under two labels; or keep every row as it is."""


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """One training example; ``row`` is its 1-based line in the source (0: not from a file)."""

    text: str
    label: str
    row: int = 0

    @property
    def out_of_scope(self) -> bool:
        return self.label == OUT_OF_SCOPE


@dataclass(frozen=True, slots=True)
class DatasetOptions:
    min_examples_per_label: int = 5
    max_bytes: int = 20 * 1024 * 1024
    max_text_chars: int = 2_000
    min_labels: int = 2
    duplicates: Duplicates = "refuse"


TRAINING = DatasetOptions(duplicates="merge")
"""What ``intents train`` accepts: 5 examples per intent, exact duplicates merged."""
EVALUATION = DatasetOptions(duplicates="keep", min_examples_per_label=1, min_labels=0)
"""What ``intents eval`` accepts: any labelled set, every row scored as it is."""


@dataclass(frozen=True, slots=True)
class ExampleSet:
    """Validated examples and the exact duplicates found: ``(row, row of the first copy)``
    pairs, merged away (``merge``) or still in ``examples`` (``keep``)."""

    examples: list[LabelledExample]
    duplicates: tuple[tuple[int, int], ...] = ()


def canonical_label(label: str) -> str:
    """Strip the label and map every out-of-scope spelling to :data:`OUT_OF_SCOPE`."""
    cleaned = label.strip()
    return OUT_OF_SCOPE if cleaned.lower() in _OOS_ALIASES else cleaned


def load_examples(path: str | Path, options: DatasetOptions | None = None) -> list[LabelledExample]:
    """Read and validate a ``.csv`` or ``.jsonl`` file (size checked before reading)."""
    return load_example_set(path, options).examples


def load_example_set(path: str | Path, options: DatasetOptions | None = None) -> ExampleSet:
    """:func:`load_examples` with the exact duplicates it found."""
    options = options or DatasetOptions()
    file = Path(path)
    if not file.is_file():
        raise InvalidInputError(f"examples file not found: {file}", field="file")
    size = file.stat().st_size
    if size > options.max_bytes:
        raise PayloadTooLargeError(
            f"examples file {file.name} is {size:,} bytes; the limit is "
            f"{options.max_bytes:,} bytes: split it or raise the limit",
            field="file",
        )
    return parse_example_set(file.read_bytes(), _format_of(file), options)


def parse_examples(
    data: bytes, file_format: FileFormat, options: DatasetOptions | None = None
) -> list[LabelledExample]:
    """Parse and validate uploaded bytes (an API body) in ``file_format``."""
    return parse_example_set(data, file_format, options).examples


def parse_example_set(
    data: bytes, file_format: FileFormat, options: DatasetOptions | None = None
) -> ExampleSet:
    """:func:`parse_examples` with the exact duplicates it found."""
    options = options or DatasetOptions()
    if len(data) > options.max_bytes:
        raise PayloadTooLargeError(
            f"examples are {len(data):,} bytes; the limit is {options.max_bytes:,} bytes",
            field="file",
        )
    text = _decode(data)
    rows = _parse_csv(text) if file_format == "csv" else _parse_jsonl(text)
    examples = [_example(row, raw_text, raw_label, options) for row, raw_text, raw_label in rows]
    duplicates = exact_duplicates(examples)
    if options.duplicates == "merge":
        examples = drop_exact_duplicates(examples)
    validate_examples(examples, options)
    return ExampleSet(examples, duplicates)


def validate_examples(
    examples: Sequence[LabelledExample], options: DatasetOptions | None = None
) -> None:
    """Check a whole set: duplicates, conflicting labels, too few examples or labels
    (``keep`` checks no duplicates: an evaluation set is scored as it is)."""
    options = options or DatasetOptions()
    if options.duplicates != "keep":
        _check_duplicates(examples)
    counts = Counter(e.label for e in examples if not e.out_of_scope)
    thin = sorted((n, label) for label, n in counts.items() if n < options.min_examples_per_label)
    if thin:
        listed = ", ".join(f"{label!r} has {n}" for n, label in thin[:10])
        more = f" (and {len(thin) - 10} more)" if len(thin) > 10 else ""
        raise InvalidInputError(
            f"each intent needs at least {options.min_examples_per_label} examples: {listed}{more}",
            field="label",
        )
    if not examples:
        raise InvalidInputError("no examples: the file has no text,label rows", field="file")
    if len(counts) < options.min_labels:
        raise InvalidInputError(
            f"need examples for at least {options.min_labels} intents "
            f"(out-of-scope rows do not count); found {len(counts)}",
            field="label",
        )


def exact_duplicates(examples: Sequence[LabelledExample]) -> tuple[tuple[int, int], ...]:
    """``(row, first row)`` for every repeat of an earlier (text, label) pair."""
    first: dict[tuple[str, str], int] = {}
    found = []
    for index, example in enumerate(examples, start=1):
        row = example.row or index
        seen = first.setdefault((example.text, example.label), row)
        if seen != row:
            found.append((row, seen))
    return tuple(found)


def drop_exact_duplicates(examples: Sequence[LabelledExample]) -> list[LabelledExample]:
    """``examples`` without repeats of an earlier (text, label) pair; conflicts stay."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for example in examples:
        key = (example.text, example.label)
        if key not in seen:
            seen.add(key)
            kept.append(example)
    return kept


def _format_of(file: Path) -> FileFormat:
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    raise InvalidInputError(
        f"unsupported examples file {file.name}: use .csv or .jsonl", field="file"
    )


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInputError(
            f"row {line}: not valid UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start}); "
            "save the file as UTF-8",
            field="text",
        ) from None
    return text.removeprefix("\ufeff")


def _parse_jsonl(text: str) -> Iterable[tuple[int, object, object]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"row {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise InvalidInputError(f'row {number}: expected an object {{"text", "label"}}')
        yield number, record.get("text"), record.get("label")


def _parse_csv(text: str) -> Iterable[tuple[int, object, object]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    columns = [c.strip().lower() for c in header or []]
    if "text" not in columns or "label" not in columns:
        raise InvalidInputError(
            "row 1: the CSV header must name the columns 'text' and 'label'", field="file"
        )
    text_at, label_at = columns.index("text"), columns.index("label")
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        number = reader.line_num
        text_value = record[text_at] if text_at < len(record) else None
        label_value = record[label_at] if label_at < len(record) else None
        yield number, text_value, label_value


def _example(
    row: int, raw_text: object, raw_label: object, options: DatasetOptions
) -> LabelledExample:
    if not isinstance(raw_text, str) or not raw_text.strip():
        raise InvalidInputError(f"row {row}: missing or empty text", field="text")
    if not isinstance(raw_label, str) or not raw_label.strip():
        raise InvalidInputError(f"row {row}: missing or empty label", field="label")
    text = raw_text.strip()
    if len(text) > options.max_text_chars:
        raise InvalidInputError(
            f"row {row}: text is {len(text):,} characters; the limit is {options.max_text_chars:,}",
            field="text",
        )
    return LabelledExample(text=text, label=canonical_label(raw_label), row=row)


def _check_duplicates(examples: Sequence[LabelledExample]) -> None:
    seen: dict[str, tuple[int, LabelledExample]] = {}
    for index, example in enumerate(examples, start=1):
        first_row, first = seen.setdefault(example.text, (example.row or index, example))
        if first is example:
            continue
        where = f"rows {first_row} and {example.row or index}"
        if first.label == example.label:
            raise InvalidInputError(
                f"{where}: duplicate example {_quote(example.text)}; remove one", field="text"
            )
        raise InvalidInputError(
            f"{where}: the same text {_quote(example.text)} is labelled "
            f"{first.label!r} and {example.label!r}; keep one label",
            field="label",
        )


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
