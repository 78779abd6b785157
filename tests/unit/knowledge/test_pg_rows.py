"""The forms the PostgreSQL search sends: term frequencies carried as positions in the
binary tsvector, lexemes in the server's order, quotes escaped in query literals, exact
float32 vectors in both the text and the binary form."""

from __future__ import annotations

import struct

import numpy as np

from frontdesk.knowledge.pg_rows import query_tsquery, rarest_terms, terms_binary, vector_binary
from frontdesk.storage.search_tables import vector_literal


def _decode(tsvector: bytes) -> dict[str, list[int]]:
    """``tsvectorrecv``'s reading of the bytes: lexeme -> positions, in order sent."""
    (count,) = struct.unpack_from(">i", tsvector)
    offset, out = 4, {}
    for _ in range(count):
        end = tsvector.index(b"\0", offset)
        lexeme = tsvector[offset:end].decode()
        (npos,) = struct.unpack_from(">H", tsvector, end + 1)
        out[lexeme] = list(struct.unpack_from(f">{npos}H", tsvector, end + 3))
        offset = end + 3 + 2 * npos
    assert offset == len(tsvector)
    return out


def test_each_term_carries_its_frequency_as_positions_and_the_length_counts_all() -> None:
    encoded, length = terms_binary("Refunds, refunds and quick refunds for the parcel")
    assert _decode(encoded) == {"parcel": [1], "quick": [1], "refund": [1, 2, 3]}
    assert list(_decode(encoded)) == ["parcel", "quick", "refund"]  # server order
    assert length == 5


def test_a_quote_inside_a_term_is_kept_and_escaped_in_a_query() -> None:
    encoded, _ = terms_binary("o'clock")
    assert _decode(encoded) == {"o'clock": [1]}
    assert query_tsquery(["o'clock", "parcel"]) == "'o''clock' | 'parcel'"


def test_a_term_repeated_past_the_tsvector_limit_is_capped_not_dropped() -> None:
    encoded, length = terms_binary("parcel " * 300)
    assert _decode(encoded)["parcel"] == list(range(1, 257))
    assert length == 300


def test_a_text_without_terms_is_an_empty_tsvector() -> None:
    assert terms_binary("the and of") == (struct.pack(">i", 0), 0)


def test_vectors_round_trip_exactly_through_the_text_and_binary_forms() -> None:
    vector = np.random.default_rng(1).normal(size=8).astype(np.float32)
    parsed = np.array(vector_literal(vector)[1:-1].split(","), dtype=np.float32)
    assert np.array_equal(parsed, vector)
    encoded = vector_binary(vector.tobytes())
    assert struct.unpack_from(">hh", encoded) == (8, 0)
    assert np.array_equal(np.frombuffer(encoded[4:], dtype=">f4"), vector)


def test_the_rarest_terms_pick_the_chunks_within_the_budget() -> None:
    df = {"refund": 40, "parcel": 900, "lost": 300, "unknown": 0}
    assert rarest_terms(df, 400) == ["refund", "lost"]  # 40 + 300; + 900 is over
    assert rarest_terms(df, 39) == ["refund"]  # the rarest always, even over the budget
    assert rarest_terms(df, None) == ["refund", "lost", "parcel"]
    assert rarest_terms({"unknown": 0}, 100) == []  # matches nothing anyway
