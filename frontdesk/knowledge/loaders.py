"""Files to documents: Markdown, HTML, plain text, PDF, FAQ (CSV/JSONL) and resolved
tickets (JSONL). Pure functions over bytes; nothing is stored here.

A help-center article may name its public address in a comment, ``<!-- url: https://… -->``,
which becomes the citation link.

What a reader never sees is removed first (:mod:`frontdesk.knowledge.sanitize`): invisible
Unicode everywhere, hidden HTML in HTML and Markdown. ``LoadedDocument.stripped`` counts
what went, so an ingest report can say so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from frontdesk.domain.text import invalid_code_point
from frontdesk.errors import InvalidInputError
from frontdesk.knowledge.pdf import ParseLimits, pdf_text
from frontdesk.knowledge.sanitize import strip_invisible
from frontdesk.knowledge.screening import Quarantine
from frontdesk.retrieval.chunking import TextChunk, chunk_document, faq_chunk
from frontdesk.retrieval.hidden import strip_hidden_markup
from frontdesk.retrieval.parsing import parse_html, parse_markdown, parse_plain
from frontdesk.retrieval.text import estimate_tokens

SUPPORTED = {".md", ".markdown", ".html", ".htm", ".txt", ".pdf", ".csv", ".jsonl"}
_URL_COMMENT = re.compile(r"<!--\s*url:\s*(\S+?)\s*-->", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LoadedChunk:
    text: str
    title: str
    heading_path: tuple[str, ...]
    position: int
    tokens: int
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    quarantine: Quarantine | None = None  # set by screening: stored, not served


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    kind: str  # markdown | html | text | pdf | faq | tickets | document
    title: str
    url: str | None
    content_hash: str
    chunks: list[LoadedChunk]
    external_id: str | None = None  # the id a JSONL of documents gave it
    # What sanitising removed: {"invisible_chars": n, "hidden_html": m}.
    stripped: dict[str, int] = field(default_factory=dict)


class _Sanitizer:
    """Cleans every text of one file and counts what it removed."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def invisible(self, text: str) -> str:
        cleaned = strip_invisible(text)
        self.counts["invisible_chars"] += cleaned.removed
        return cleaned.text

    def markdown(self, text: str) -> str:
        text, removed = strip_hidden_markup(self.invisible(text))
        self.counts["hidden_html"] += removed
        return text

    def chunks(self, text: str, fmt: str) -> tuple[str, list[TextChunk]]:
        """(title, chunks) of a Markdown, HTML or plain text already cleaned of invisibles."""
        if fmt == "markdown":
            text = self.markdown(text)
        parsed = {"markdown": parse_markdown, "html": parse_html, "plain": parse_plain}[fmt](text)
        self.counts["hidden_html"] += parsed.hidden
        return parsed.title, chunk_document(parsed)

    @property
    def stripped(self) -> dict[str, int]:
        return {name: count for name, count in sorted(self.counts.items()) if count}


def load_documents(
    name: str, data: bytes, limits: ParseLimits | None = None
) -> list[LoadedDocument]:
    """Parse one file: one document, or several for a JSONL of documents
    (``{"id", "title", "text", "url"?}`` rows, each keeping its ``id`` as external id)."""
    if PurePath(name).suffix.lower() == ".jsonl":
        rows = _jsonl_rows(name, _utf8(name, data))
        if rows and {"id", "text"} <= set(rows[0]) and "answer" not in rows[0]:
            return _documents(name, rows, _Sanitizer())
    return [load_document(name, data, limits)]


def load_document(name: str, data: bytes, limits: ParseLimits | None = None) -> LoadedDocument:
    """Parse one file's bytes; ``name`` (a path or upload file name) picks the format."""
    limits = limits or ParseLimits()
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise InvalidInputError(
            f"{name}: unsupported file type {suffix or '(none)'}; "
            f"supported: {', '.join(sorted(SUPPORTED))}"
        )
    content_hash = hashlib.sha256(data).hexdigest()
    clean = _Sanitizer()
    if suffix == ".pdf":
        text, fmt, kind = pdf_text(name, data, limits), "plain", "pdf"
    else:
        text = _utf8(name, data)
        fmt, kind = {
            ".md": ("markdown", "markdown"),
            ".markdown": ("markdown", "markdown"),
            ".html": ("html", "html"),
            ".htm": ("html", "html"),
            ".txt": ("plain", "text"),
            ".csv": ("faq", "faq"),
            ".jsonl": ("jsonl", "jsonl"),
        }[suffix]
        if len(text) > limits.max_chars:
            raise InvalidInputError(
                f"{name}: {len(text):,} characters of text; the limit is "
                f"{limits.max_chars:,}: split it into smaller documents"
            )
    if fmt == "faq":
        return _faq(name, _csv_rows(name, text), content_hash, clean)
    if fmt == "jsonl":
        return _jsonl(name, text, content_hash, clean)
    text = clean.invisible(text)
    url_match = _URL_COMMENT.search(text)
    url = url_match.group(1) if url_match else None
    title, pieces = clean.chunks(_URL_COMMENT.sub("", text), fmt)
    title = title or PurePath(name).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    chunks = [_from_text_chunk(piece, title, url) for piece in pieces if piece.text.strip()]
    if not chunks:
        raise InvalidInputError(f"{name}: no text found to index")
    return LoadedDocument(kind, title, url, content_hash, chunks, stripped=clean.stripped)


def _from_text_chunk(piece: TextChunk, title: str, url: str | None) -> LoadedChunk:
    return LoadedChunk(
        text=piece.text,
        title=title,
        heading_path=piece.heading_path,
        position=piece.position,
        tokens=piece.tokens,
        url=url,
    )


# Binary formats a text extension may be put on (by mistake or to get past a filter).
_MAGIC = {
    b"%PDF-": "a PDF: upload it with a .pdf name",
    b"PK\x03\x04": "a ZIP archive (or .docx/.xlsx), which is not supported",
    b"\x1f\x8b": "gzip-compressed, which is not supported",
}


def _utf8(name: str, data: bytes) -> str:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise InvalidInputError(f"{name}: this file is {what}")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InvalidInputError(f"{name}: binary data in a text file (line {line})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputError(f"{name}: not UTF-8 text (line {line})") from None


def _csv_rows(name: str, text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower() for f in reader.fieldnames or []}
    if not {"question", "answer"} <= fields:
        raise InvalidInputError(f"{name}: an FAQ CSV needs 'question' and 'answer' columns")
    return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def _jsonl(name: str, text: str, content_hash: str, clean: _Sanitizer) -> LoadedDocument:
    rows = _jsonl_rows(name, text)
    if rows and "question" in rows[0]:
        return _faq(name, rows, content_hash, clean)
    if rows and {"customer_message", "agent_reply"} <= set(rows[0]):
        return _tickets(name, rows, content_hash, clean)
    raise InvalidInputError(
        f"{name}: JSONL rows need question/answer (FAQ), customer_message/agent_reply "
        "(resolved tickets) or id/title/text (documents)"
    )


def _jsonl_rows(name: str, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{name}: line {number} is not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InvalidInputError(f"{name}: line {number} is not a JSON object")
        # JSON escapes (\u0000, \ud800) carry what the UTF-8 check above cannot see.
        for key, value in row.items():
            bad = next(filter(None, map(invalid_code_point, [key, *_strings_in(value)])), None)
            if bad is not None:
                raise InvalidInputError(
                    f"{name}: line {number}, field {key!r} contains {bad}, "
                    "which is not allowed in text"
                )
        rows.append(row)
    return rows


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings_in(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    return []


def _documents(name: str, rows: list[dict[str, Any]], clean: _Sanitizer) -> list[LoadedDocument]:
    documents: list[LoadedDocument] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        external_id = str(row.get("id") or "").strip()
        text = str(row.get("text") or "").strip()
        if not external_id or not text:
            raise InvalidInputError(f"{name}: line {number} needs a non-empty id and text")
        if external_id in seen:
            raise InvalidInputError(
                f"{name}: lines {seen[external_id]} and {number} have the same id {external_id!r}"
            )
        seen[external_id] = number
        url = str(row.get("url") or "").strip() or None
        clean.counts.clear()
        parsed_title, pieces = clean.chunks(clean.invisible(text), "markdown")
        given_title = clean.invisible(str(row.get("title") or "")).strip()
        title = given_title or parsed_title or external_id
        chunks = [_from_text_chunk(piece, title, url) for piece in pieces if piece.text.strip()]
        if not chunks:
            raise InvalidInputError(f"{name}: line {number} has no text to index")
        content_hash = hashlib.sha256(
            json.dumps([title, url, text], ensure_ascii=False).encode()
        ).hexdigest()
        documents.append(
            LoadedDocument(
                "document", title, url, content_hash, chunks, external_id, clean.stripped
            )
        )
    return documents


def _faq(
    name: str, rows: list[dict[str, Any]], content_hash: str, clean: _Sanitizer
) -> LoadedDocument:
    chunks: list[LoadedChunk] = []
    for number, row in enumerate(rows, start=1):
        question = clean.markdown(str(row.get("question") or "")).strip()
        answer = clean.markdown(str(row.get("answer") or "")).strip()
        if not question or not answer:
            raise InvalidInputError(f"{name}: row {number} needs both a question and an answer")
        piece = faq_chunk(question, answer, position=number - 1)
        url = str(row.get("url") or "").strip() or None
        chunks.append(
            LoadedChunk(
                text=piece.text,
                title=question,
                heading_path=(),
                position=piece.position,
                tokens=piece.tokens,
                url=url,
                metadata={"answer": answer, "question": question, "row": number}
                | (
                    {"promoted_from": str(row["promoted_from"])} if row.get("promoted_from") else {}
                ),
            )
        )
    if not chunks:
        raise InvalidInputError(f"{name}: no FAQ rows")
    return LoadedDocument(
        "faq", PurePath(name).stem, None, content_hash, chunks, stripped=clean.stripped
    )


def _customer_of(row: dict[str, Any]) -> dict[str, str]:
    """The tenant's id for the ticket's customer, when the export gives one: an erasure
    or access request by that id finds the ticket and the names it taught."""
    customer = str(row.get("customer_id") or "").strip()
    return {"customer_id": customer[:128]} if customer else {}


def _tickets(
    name: str, rows: list[dict[str, Any]], content_hash: str, clean: _Sanitizer
) -> LoadedDocument:
    chunks: list[LoadedChunk] = []
    for number, row in enumerate(rows, start=1):
        question = clean.markdown(str(row.get("customer_message") or "")).strip()
        answer = clean.markdown(str(row.get("agent_reply") or "")).strip()
        if not question or not answer:
            raise InvalidInputError(f"{name}: line {number} needs customer_message and agent_reply")
        ticket = str(row.get("id") or number)
        subject = clean.invisible(str(row.get("subject") or question[:80])).strip()
        text = f"{question}\n\n{answer}"
        chunks.append(
            LoadedChunk(
                text=text,
                title=subject,
                heading_path=(),
                position=number - 1,
                tokens=estimate_tokens(text),
                url=None,
                metadata={"answer": answer, "question": question, "ticket": ticket}
                | _customer_of(row),
            )
        )
    return LoadedDocument(
        "tickets", PurePath(name).stem, None, content_hash, chunks, stripped=clean.stripped
    )
