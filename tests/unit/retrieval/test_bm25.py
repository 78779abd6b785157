from __future__ import annotations

import pytest

from frontdesk.retrieval.bm25 import BM25Index
from frontdesk.retrieval.text import analyze, stem

DOCS = [
    ("refunds", "Refunds are issued to the original payment method within 5 business days."),
    ("shipping", "Orders ship within two days; tracking numbers arrive by email."),
    ("password", "Reset your password from the sign-in page using the 'Forgot password' link."),
]


def make_index() -> BM25Index:
    index = BM25Index()
    index.add(DOCS)
    return index


def test_analyzer_lowercases_drops_stopwords_and_conflates_inflections() -> None:
    assert analyze("The Refunds were ISSUED") == ["refund", "issu"]
    assert stem("shipping") == stem("ships") == "ship"
    assert stem("policies") == stem("policy")


def test_a_number_glued_to_its_unit_is_two_words() -> None:
    assert analyze("a 10kg parcel, 120cm long") == analyze("a 10 kg parcel, 120 cm long")
    assert analyze("5G and 3m") == ["5g", "3m"]  # units that are also names stay whole


def test_a_redaction_placeholder_is_no_word() -> None:
    # "Klarna", taken for a name, must not make the question one about a "person".
    assert analyze("Do you accept <PERSON>?") == analyze("Do you accept?") == ["accept"]
    assert analyze("mail <EMAIL> or call <PHONE_NUMBER>") == ["mail", "call"]
    assert analyze("a <b> tag and <Person>") == ["b", "tag", "person"]  # not a placeholder


def test_best_match_ranks_first_and_scores_descend() -> None:
    hits = make_index().search("how do I get a refund", 3)
    assert hits[0][0] == "refunds"
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_only_matching_documents_are_returned() -> None:
    assert make_index().search("password", 10) == [("password", hits_score("password"))]


def hits_score(query: str) -> float:
    return make_index().search(query, 1)[0][1]


def test_removed_chunk_is_never_returned() -> None:
    index = make_index()
    index.remove(["refunds"])
    assert all(chunk_id != "refunds" for chunk_id, _ in index.search("refund", 10))
    assert len(index) == 2
    index.remove(["unknown-id"])  # no-op
    assert len(index) == 2


def test_adding_an_existing_id_replaces_its_text() -> None:
    index = make_index()
    index.add([("shipping", "Gift cards never expire.")])
    assert index.search("tracking", 5) == []
    assert index.search("gift card", 5)[0][0] == "shipping"


def test_empty_index_and_stopword_only_query_return_nothing() -> None:
    assert BM25Index().search("anything", 5) == []
    assert make_index().search("the and of", 5) == []


def test_rare_terms_weigh_more_than_common_ones() -> None:
    index = make_index()
    assert index.idf("password") > 0
    assert index.idf("nonexistent") == 0.0
    assert index.score_ids("refund", ["refunds", "shipping", "missing"])["missing"] == 0.0


def test_scores_cover_every_row_and_agree_with_score_ids() -> None:
    index = make_index()
    index.remove(["shipping"])
    terms = {"refund": 1.0, "password": 0.5}
    scores = index.scores(terms)
    assert scores is not None
    assert list(index.ids) == ["refunds", "password"]
    by_id = index.score_ids(terms, index.ids)
    for chunk_id in index.ids:
        assert float(scores[index.row(chunk_id)]) == pytest.approx(by_id[chunk_id])
    assert index.row("shipping") == -1
    assert index.document_frequency("track") == 0  # only the removed chunk had it
    assert index.idf("track") == 0.0
