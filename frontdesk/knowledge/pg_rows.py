"""The forms in which the PostgreSQL search sends values to the server.

Queries send text literals (a pgvector ``[...]``, a ``tsquery``); the bulk sync of search
rows (:mod:`frontdesk.knowledge.pg_sync`) sends ``COPY ... (FORMAT BINARY)`` fields, which
the server reads without parsing text: a vector's float32 values, a ``tsvector`` of the
analysed terms. The binary fields hold exactly what the text forms would: the same
float32 values, the same lexemes with the same positions.
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np

from frontdesk.retrieval.text import analyze

MAX_TF = 256  # a tsvector keeps at most 256 positions per lexeme
MAX_LEXEME = 2046  # bytes; longer lexemes are not storable


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def query_tsquery(terms: Iterable[str]) -> str:
    """A ``tsquery`` literal matching chunks with any of the (analysed) terms."""
    return " | ".join(_lexeme(t) for t in terms if len(t.encode()) <= MAX_LEXEME)


def rarest_terms(df: Mapping[str, int], budget: int | None) -> list[str]:
    """The terms (of those in the tenant's vocabulary, ``df`` > 0) that pick the chunks a
    search BM25-scores: the rarest first while their document frequencies add up to at
    most ``budget``, and always the rarest one (None: every term).

    Rare terms carry most of BM25's weight, so the chunks they miss rarely make the
    keyword top-N; the common ones would multiply the chunks to score."""
    known = sorted((count, term) for term, count in df.items() if count > 0)
    if budget is None:
        return [term for _, term in known]
    chosen: list[str] = []
    total = 0
    for count, term in known:
        total += count
        if chosen and total > budget:
            break
        chosen.append(term)
    return chosen


def vector_binary(stored: bytes) -> bytes:
    """pgvector's binary form (``vector_recv``: int16 dimensions, int16 unused, big-endian
    float4 values) of a vector stored as little-endian float32 bytes (``chunks.vector``)."""
    values = np.frombuffer(stored, dtype="<f4")
    return struct.pack(">hh", values.size, 0) + values.astype(">f4").tobytes()


@lru_cache(maxsize=MAX_TF)
def _positions(tf: int) -> bytes:
    """uint16 count, then positions ``1..tf`` (weight D: the top two bits stay 0)."""
    return struct.pack(f">H{tf}H", tf, *range(1, tf + 1))


def terms_binary(keyword_text: str) -> tuple[bytes, int]:
    """The binary ``tsvector`` (``tsvectorrecv``) of a chunk's analysed terms, and its
    length in terms.

    Each term gets positions ``1..tf`` (capped at 256): the positions only carry the term
    frequency BM25 needs (``cardinality`` of the positions array), since phrase search is
    not used. Lexemes go in the server's order (bytewise), so it has nothing to sort.
    """
    counts = Counter(analyze(keyword_text))
    entries = sorted(
        (term.encode(), tf) for term, tf in counts.items() if len(term.encode()) <= MAX_LEXEME
    )
    parts = [struct.pack(">i", len(entries))]
    for lexeme, tf in entries:
        parts.append(lexeme + b"\0" + _positions(min(tf, MAX_TF)))
    return b"".join(parts), sum(counts.values())
