"""The units an extractive answer is made of: sentences, list items and table rows.

A sentence that introduces a list ("Common reasons:", "…with the payment methods below.")
means nothing without it, so when the list follows in the same passage the sentence and
its items form one unit: the reply then carries the list it announces. When the list is
not in the passage (it was chunked elsewhere) the sentence is marked ``dangling``: it
points at something the reply cannot show, and the generator prefers other sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontdesk.retrieval.chunking import split_sentences

_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
_LIST_MARK = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")
# A sentence announcing what follows it: ends with a colon, or names "the … below".
_ANNOUNCES = re.compile(
    r":\s*$|\b(?:the|these)\s+(?:[\w-]+\s+){0,3}below\b|\bthe following\b|\bas follows\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"^<!--.*-->$")  # e.g. a Markdown file's "<!-- url: … -->" line
_CLOSERS = frozenset("\"')]\u201d\u2019")
MAX_ITEMS = 8  # a longer list is cut: the reply stays short


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    dangling: bool = False  # announces a list the passage does not hold
    row: bool = False  # a table row, its cells named by the header


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip("|").split("|")]


def _row(header: list[str] | None, cells: list[str]) -> str:
    """A table row that reads on its own: each cell after its column's heading ("Max.
    weight 5 kg: Zone 2 €17.99, Zone 3 €21.99"); cells joined by "·" without a header."""
    if header is None or len(header) != len(cells):
        text = " · ".join(c for c in cells if c)
    else:
        named = [
            # "Zone" over "Zone 2 - Neighbours" is said once
            f"{h} {c}" if h and c and not c.lower().startswith(h.lower()) else c
            for h, c in zip(header, cells, strict=True)
        ]
        first, rest = named[0], ", ".join(n for n in named[1:] if n)
        text = f"{first}: {rest}" if first and rest else first or rest
    # a full stop: rows quoted one after another read as sentences
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


def _column(header: list[str], column: str | None) -> int | None:
    """The index of the header cell naming ``column`` ("Zone 2"), never the first."""
    if column is None:
        return None
    wanted = column.strip().lower()
    named = [i for i, h in enumerate(header) if h.replace("*", "").strip().lower() == wanted]
    return named[0] if named and named[0] > 0 else None


def _lines(text: str, column: str | None = None) -> list[tuple[str, bool, bool]]:
    """(text, is a list item or table row, is a table row) per meaningful line; table rules
    dropped, and a table's header row named in each of its rows instead of standing alone.
    With ``column`` a table with a column of that name keeps only it beside the first."""
    out: list[tuple[str, bool, bool]] = []
    raw = [line.strip() for line in text.splitlines()]
    header: list[str] | None = None
    keep: int | None = None
    for number, stripped in enumerate(raw):
        if not stripped or _TABLE_RULE.match(stripped) or _COMMENT.match(stripped):
            continue
        if stripped.startswith("|"):
            following = raw[number + 1] if number + 1 < len(raw) else ""
            if _TABLE_RULE.match(following):
                header = _cells(stripped)  # the header row: named in each row below
                keep = _column(header, column)
                continue
            cells = _cells(stripped)
            if header is not None and keep is not None and len(cells) == len(header):
                # "Max. weight 5 kg: Zone 2 €17.99", not every zone's price
                out.append((_row([header[0], header[keep]], [cells[0], cells[keep]]), True, True))
                continue
            out.append((_row(header, cells), True, True))
            continue
        header, keep = None, None
        if _LIST_MARK.match(stripped):
            out.append((_LIST_MARK.sub("", stripped), True, False))
        else:
            out.append((stripped, False, False))
    return out


def _closed(line: str) -> list[tuple[int, int]]:
    """Sentence spans that keep the closing quotation mark or bracket after their full stop
    (the splitter leaves it between two sentences)."""
    spans = []
    for start, end in split_sentences(line):
        while end < len(line) and line[end] in _CLOSERS:
            end += 1
        spans.append((start, end))
    return spans


def _whole_quotes(sentences: list[str]) -> list[str]:
    """Sentences rejoined where a split fell inside quotation marks: 'You see the message
    "Too many attempts. Try again in 15 minutes."' is one sentence, not two halves that
    each carry one quotation mark."""
    out: list[str] = []
    for sentence in sentences:
        if out and _open_quote(out[-1]):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def _open_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("\u201c") > text.count("\u201d")


def units(text: str, column: str | None = None) -> list[Unit]:
    """The passage's sentences, list items and table rows in order; a sentence that
    announces a list directly after it is joined with that list's items. ``column``: a
    table's column the answer is about (a category the question's member belongs to)."""
    lines = _lines(text, column)
    out: list[Unit] = []
    index = 0
    while index < len(lines):
        line, is_item, is_row = lines[index]
        index += 1
        if is_row:  # one unit: "Max. weight 5 kg" must not end a sentence
            out.append(Unit(line, row=True))
            continue
        sentences = _whole_quotes([line[s:e].strip() for s, e in _closed(line)])
        list_follows = index < len(lines) and lines[index][1]
        for position, sentence in enumerate(sentences):
            if is_item or not _ANNOUNCES.search(sentence):
                out.append(Unit(sentence))
            elif position < len(sentences) - 1 or not list_follows:
                # The list is after later sentences (they stay separate units) or not here.
                out.append(Unit(sentence, dangling=not list_follows))
            else:
                items: list[str] = []
                while index < len(lines) and lines[index][1]:
                    items.append(lines[index][0])
                    index += 1
                listed = "\n".join(f"- {item}" for item in items[:MAX_ITEMS])
                out.append(Unit(f"{sentence}\n{listed}"))
    return out
