"""The literals the PostgreSQL search writes: term frequencies carried as positions,
quotes escaped, exact float32 vectors."""

from __future__ import annotations

import numpy as np

from frontdesk.knowledge.pg_sync import query_tsquery, terms_vector
from frontdesk.storage.search_tables import vector_literal


def test_each_term_carries_its_frequency_as_positions_and_the_length_counts_all() -> None:
    literal, length = terms_vector("Refunds, refunds and quick refunds for the parcel")
    assert literal == "'parcel':1 'quick':1 'refund':1,2,3"
    assert length == 5


def test_a_quote_inside_a_term_is_escaped() -> None:
    literal, _ = terms_vector("o'clock")
    assert literal == "'o''clock':1"
    assert query_tsquery(["o'clock", "parcel"]) == "'o''clock' | 'parcel'"


def test_a_term_repeated_past_the_tsvector_limit_is_capped_not_dropped() -> None:
    literal, length = terms_vector("parcel " * 300)
    assert literal.count(",") == 255
    assert length == 300


def test_vectors_round_trip_exactly_through_the_text_form() -> None:
    vector = np.random.default_rng(1).normal(size=8).astype(np.float32)
    parsed = np.array(vector_literal(vector)[1:-1].split(","), dtype=np.float32)
    assert np.array_equal(parsed, vector)
