"""Labelled evaluation rows: one JSON object per line, parsed and checked as a whole.

    {"id": "ship-3", "text": "how long does delivery take?", "expect": "answer",
     "must_include": [["2-3 days", "two to three days"]], "must_not_include": ["refunded"],
     "gold_docs": ["articles/shipping/delivery-times.md"], "kind": "faq", "lang": "en",
     "split": "test", "turns": ["hi"]}

Each inner list of ``must_include`` is a group of alternatives; every group must match.
``gold_docs`` name documents by external id or by source path relative to the help-center
folder. A file with any bad row is refused as a whole, naming the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from frontdesk.errors import InvalidInputError

Expect = Literal["answer", "decline", "handoff"]
Split = Literal["dev", "test"]
EXPECTS: tuple[Expect, ...] = ("answer", "decline", "handoff")
SPLITS: tuple[Split, ...] = ("dev", "test")
FIELDS = frozenset(
    {
        "id",
        "text",
        "expect",
        "must_include",
        "must_not_include",
        "gold_docs",
        "kind",
        "lang",
        "split",
        "turns",
        "note",  # free text for the people who write the set; never read
    }
)


@dataclass(frozen=True, slots=True)
class EvalRow:
    id: str
    text: str
    expect: Expect
    must_include: tuple[tuple[str, ...], ...] = ()
    must_not_include: tuple[str, ...] = ()
    gold_docs: tuple[str, ...] = ()
    kind: str = "general"
    lang: str = "en"
    split: Split | None = None
    turns: tuple[str, ...] = ()  # earlier customer messages, replayed first


class _RowError(Exception):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem)
        self.field = field
        self.problem = problem


def load_rows(path: Path) -> list[EvalRow]:
    """Every row of the JSONL file at ``path``; ``InvalidInputError`` naming the first bad
    line and field otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read eval file {path}: {exc}", field="file") from exc
    return parse_rows(text.splitlines(), source=str(path))


def parse_rows(lines: Iterable[str], source: str = "<eval>") -> list[EvalRow]:
    rows: list[EvalRow] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = _parse_line(line)
            if row.id in seen:
                raise _RowError("id", f"{row.id!r} is already used on line {seen[row.id]}")
        except _RowError as exc:
            raise InvalidInputError(
                f"{source} line {number}: field '{exc.field}': {exc.problem}", field=exc.field
            ) from None
        seen[row.id] = number
        rows.append(row)
    if not rows:
        raise InvalidInputError(f"{source} holds no rows", field="file")
    return rows


def select_split(rows: list[EvalRow], split: str | None) -> list[EvalRow]:
    """The rows of ``split`` (all rows when None); an empty selection is an error."""
    if split is None:
        return rows
    chosen = [row for row in rows if row.split == split]
    if not chosen:
        raise InvalidInputError(f"no rows have split {split!r}", field="split")
    return chosen


def _parse_line(line: str) -> EvalRow:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _RowError("json", f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise _RowError("json", "each line must be a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise _RowError(unknown[0], f"unknown field; the fields are {', '.join(sorted(FIELDS))}")
    expect = _text(data, "expect", required=True)
    if expect not in EXPECTS:
        raise _RowError("expect", f"must be one of {', '.join(EXPECTS)}, got {expect!r}")
    split = data.get("split")
    if split is not None and split not in SPLITS:
        raise _RowError("split", f"must be one of {', '.join(SPLITS)}, got {split!r}")
    return EvalRow(
        id=_text(data, "id", required=True),
        text=_text(data, "text", required=True),
        expect=expect,
        must_include=_groups(data.get("must_include", [])),
        must_not_include=_strings(data, "must_not_include"),
        gold_docs=_strings(data, "gold_docs"),
        kind=_text(data, "kind") or "general",
        lang=_text(data, "lang") or "en",
        split=cast(Split | None, split),
        turns=_strings(data, "turns"),
    )


def _text(data: dict[str, Any], field: str, *, required: bool = False) -> str:
    value = data.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _RowError(field, "must be a non-empty string")
    return value.strip()


def _strings(data: dict[str, Any], field: str) -> tuple[str, ...]:
    value = data.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _RowError(field, "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    """A list of groups of alternatives; a bare string is a group of one."""
    if not isinstance(value, list):
        raise _RowError("must_include", "must be a list of groups (lists of alternatives)")
    groups: list[tuple[str, ...]] = []
    for group in value:
        alternatives = [group] if isinstance(group, str) else group
        if (
            not isinstance(alternatives, list)
            or not alternatives
            or not all(isinstance(a, str) and a.strip() for a in alternatives)
        ):
            raise _RowError(
                "must_include", "each group must be a non-empty list of non-empty strings"
            )
        groups.append(tuple(a.strip() for a in alternatives))
    return tuple(groups)
