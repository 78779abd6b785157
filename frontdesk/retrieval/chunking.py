"""Structure-aware chunking: sections under headings, packed to a token target with overlap.

Rules, in order:

1. A chunk never crosses a heading; it carries the heading path above it (the document
   title is not repeated in the path).
2. A section under a question heading ("How do I ...?") that fits ``faq_max_tokens`` is
   one chunk, like an FAQ entry: question and answer stay together.
3. Otherwise blocks are packed up to ``target_tokens``; a block over ``max_tokens`` is split
   at sentences (code at lines, a giant sentence at words).
4. Consecutive chunks of one section share up to ``overlap_tokens`` of trailing sentences.

Token counts are BERT word pieces, estimated by default (see :func:`estimate_tokens`) or
counted exactly with :func:`wordpiece_counter`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from frontdesk.retrieval.parsing import (
    Block,
    ParsedDocument,
    parse_html,
    parse_markdown,
    parse_plain,
)
from frontdesk.retrieval.text import estimate_tokens

TokenCounter = Callable[[str], int]

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "mr.", "mrs.", "dr.", "no.", "approx.")


@dataclass(frozen=True, slots=True)
class ChunkingOptions:
    target_tokens: int = 256
    max_tokens: int = 320
    overlap_tokens: int = 48
    faq_max_tokens: int = 512


@dataclass(frozen=True, slots=True)
class TextChunk:
    """One chunk of a document: ``position`` is its 0-based order in the document and
    ``start``/``end`` its character span in the source (-1 when unknown, e.g. HTML)."""

    text: str
    heading_path: tuple[str, ...]
    position: int
    tokens: int
    start: int = -1
    end: int = -1


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    tokens: int
    start: int
    end: int
    block: int  # index of the block it came from: pieces of one block join with a space


def wordpiece_counter(tokenizer_path: str | Path) -> TokenCounter:
    """Exact word-piece counts from a ``tokenizer.json`` (e.g. the embedder's)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    return count


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in ``text`` (whitespace between them dropped)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if candidate.lower().endswith(_ABBREVIATIONS):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def chunk_text(
    text: str,
    fmt: str = "markdown",
    options: ChunkingOptions | None = None,
    count_tokens: TokenCounter = estimate_tokens,
) -> tuple[str, list[TextChunk]]:
    """Parse ``text`` (``markdown``, ``html`` or ``plain``) and chunk it: (title, chunks)."""
    parsers = {"markdown": parse_markdown, "html": parse_html, "plain": parse_plain}
    if fmt not in parsers:
        raise ValueError(f"unknown format {fmt!r}; use one of {sorted(parsers)}")
    doc = parsers[fmt](text)
    return doc.title, chunk_document(doc, options, count_tokens)


def faq_chunk(question: str, answer: str, position: int = 0) -> TextChunk:
    """An FAQ entry as one chunk, never split: the question is its heading path."""
    question, answer = " ".join(question.split()), answer.strip()
    return TextChunk(answer, (question,), position, estimate_tokens(f"{question} {answer}"))


def chunk_document(
    doc: ParsedDocument,
    options: ChunkingOptions | None = None,
    count_tokens: TokenCounter = estimate_tokens,
) -> list[TextChunk]:
    opts = options or ChunkingOptions()
    out: list[TextChunk] = []
    stack: list[tuple[int, str]] = []
    section: list[Block] = []

    def emit() -> None:
        path = tuple(text for _, text in stack)
        if path and path[0] == doc.title:
            path = path[1:]
        for text, tokens, start, end in _chunk_section(section, path, opts, count_tokens):
            out.append(TextChunk(text, path, len(out), tokens, start, end))
        section.clear()

    for block in doc.blocks:
        if block.kind == "heading":
            emit()
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
        else:
            section.append(block)
    emit()
    return out


def _chunk_section(
    blocks: list[Block],
    path: tuple[str, ...],
    opts: ChunkingOptions,
    count: TokenCounter,
) -> list[tuple[str, int, int, int]]:
    if not blocks:
        return []
    whole = "\n\n".join(b.text for b in blocks)
    whole_tokens = count(whole)
    is_question = bool(path) and path[-1].rstrip().endswith("?")
    if whole_tokens <= opts.target_tokens or (is_question and whole_tokens <= opts.faq_max_tokens):
        return [(whole, whole_tokens, blocks[0].start, blocks[-1].end)]
    pieces = [p for i, b in enumerate(blocks) for p in _pieces(b, i, opts.max_tokens, count)]
    chunks: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0
    for piece in pieces:
        if current and size + piece.tokens > opts.target_tokens:
            chunks.append(current)
            current = _overlap(current, opts.overlap_tokens)
            size = sum(p.tokens for p in current)
        current.append(piece)
        size += piece.tokens
    if current and (not chunks or current != chunks[-1][-len(current) :]):
        chunks.append(current)
    return [_join(c) for c in chunks]


def _overlap(previous: list[_Piece], budget: int) -> list[_Piece]:
    kept: list[_Piece] = []
    used = 0
    for piece in reversed(previous[1:]):  # never repeat the whole previous chunk
        if used + piece.tokens > budget:
            break
        kept.insert(0, piece)
        used += piece.tokens
    return kept


def _join(pieces: list[_Piece]) -> tuple[str, int, int, int]:
    parts: list[str] = []
    for i, piece in enumerate(pieces):
        if i:
            same_block = pieces[i - 1].block == piece.block
            parts.append(" " if same_block else "\n\n")
        parts.append(piece.text)
    starts = [p.start for p in pieces if p.start >= 0]
    ends = [p.end for p in pieces if p.end >= 0]
    return (
        "".join(parts),
        sum(p.tokens for p in pieces),
        min(starts) if starts else -1,
        max(ends) if ends else -1,
    )


def _pieces(block: Block, index: int, max_tokens: int, count: TokenCounter) -> list[_Piece]:
    tokens = count(block.text)

    def located(s: int, e: int) -> tuple[int, int]:
        # Offsets are exact for plain text; for cleaned Markdown they bound the block.
        if block.start < 0:
            return -1, -1
        return block.start + s, min(block.start + e, block.end)

    if tokens <= max_tokens:
        return [_Piece(block.text, tokens, block.start, block.end, index)]
    if block.kind in ("code", "table", "list"):
        spans = _line_spans(block.text)
    else:
        spans = split_sentences(block.text)
    out: list[_Piece] = []
    for s, e in spans:
        text = block.text[s:e].strip()
        n = count(text)
        if n <= max_tokens:
            out.append(_Piece(text, n, *located(s, e), index))
            continue
        words = text.split()
        step = max(1, int(len(words) * max_tokens / n))
        for w in range(0, len(words), step):
            part = " ".join(words[w : w + step])
            out.append(_Piece(part, count(part), *located(s, e), index))
    return out


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            spans.append((pos, pos + len(line.rstrip("\n"))))
        pos += len(line)
    return spans
