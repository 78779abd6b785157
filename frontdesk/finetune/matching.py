"""Same question or nearly: what the dedupe and the eval-set leakage check compare.

:func:`normalise` folds case, Unicode forms, punctuation and spacing, so "Where's my
parcel?!" and "where s my parcel" are one question. :class:`NearMatcher` finds, for a
question, an evaluation text equal to it after normalisation or close enough
(``difflib`` ratio ≥ ``ratio``: a typo, a word added or dropped), looking only at texts
that share most of its less common words, so a large set stays fast.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from frontdesk.errors import InvalidInputError

_NON_WORD = re.compile(r"[\W_]+")
_TEXT_KEYS = ("text", "question")
COMMON_SHARE = 0.05  # a word in more than this share of the texts does not select candidates


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


@dataclass(frozen=True, slots=True)
class EvalText:
    """One row of an evaluation set: its id (or ``file:line``) and its message."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    eval_id: str
    kind: Literal["exact", "near"]


class NearMatcher:
    """Finds the evaluation text a question repeats, exactly or nearly."""

    def __init__(self, texts: Iterable[EvalText], ratio: float = 0.9) -> None:
        self.ratio = ratio
        self._exact: dict[str, str] = {}
        self._texts: list[tuple[str, str]] = []  # (normalised, id)
        postings: dict[str, list[int]] = {}
        for item in texts:
            key = normalise(item.text)
            if not key:
                continue
            self._exact.setdefault(key, item.id)
            index = len(self._texts)
            self._texts.append((key, item.id))
            for word in set(key.split()):
                postings.setdefault(word, []).append(index)
        limit = max(5, int(COMMON_SHARE * len(self._texts)))
        self._postings = {w: rows for w, rows in postings.items() if len(rows) <= limit}

    def __len__(self) -> int:
        return len(self._texts)

    def match(self, text: str) -> Match | None:
        key = normalise(text)
        if not key:
            return None
        exact = self._exact.get(key)
        if exact is not None:
            return Match(exact, "exact")
        words = [w for w in set(key.split()) if w in self._postings]
        shared = Counter(row for w in words for row in self._postings[w])
        needed = max(1, len(words) // 2)
        for row, count in shared.most_common():
            if count < needed:
                break
            candidate, eval_id = self._texts[row]
            matcher = difflib.SequenceMatcher(None, key, candidate, autojunk=False)
            if matcher.real_quick_ratio() >= self.ratio and matcher.ratio() >= self.ratio:
                return Match(eval_id, "near")
        return None


def read_eval_texts(path: Path) -> list[EvalText]:
    """The messages of an evaluation file: JSONL rows with ``text`` (``frontdesk eval`` and
    ``intents eval`` sets) or ``question``, or a CSV with one of those columns."""
    if not path.is_file():
        raise InvalidInputError(f"eval file not found: {path}", field="eval")
    try:
        data = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path.name}: not UTF-8; save it as UTF-8", field="eval") from None
    if path.suffix.lower() == ".csv":
        return _csv_texts(path.name, data)
    return jsonl_texts(path.name, data)


def jsonl_texts(name: str, data: str) -> list[EvalText]:
    """Rows of a JSONL evaluation set (also the tenant's stored set)."""
    found = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(
                f"{name} line {number}: not valid JSON ({exc.msg})", field="eval"
            ) from None
        text = _text_of(row)
        if text is None:
            raise InvalidInputError(
                f"{name} line {number}: expected an object with a 'text' or 'question'",
                field="eval",
            )
        ident = row.get("id") if isinstance(row.get("id"), str) else None
        found.append(EvalText(ident or f"{name}:{number}", text))
    return found


def _csv_texts(name: str, data: str) -> list[EvalText]:
    reader = csv.DictReader(io.StringIO(data, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    column = next((c for c in _TEXT_KEYS if c in columns), None)
    if column is None:
        raise InvalidInputError(
            f"{name} line 1: the CSV header must name a 'text' or 'question' column", field="eval"
        )
    found = []
    for record in reader:
        values = {k.strip().lower(): v for k, v in record.items() if isinstance(k, str)}
        text = (values.get(column) or "").strip()
        if text:
            found.append(EvalText(str(values.get("id") or f"{name}:{reader.line_num}"), text))
    return found


def _text_of(row: object) -> str | None:
    if not isinstance(row, dict):
        return None
    for key in _TEXT_KEYS:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None
