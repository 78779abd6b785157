from __future__ import annotations

from frontdesk.retrieval.bm25 import BM25Index
from frontdesk.retrieval.expansion import ExpansionOptions, QueryExpander


def make_index() -> BM25Index:
    index = BM25Index()
    index.add(
        [
            ("refund", "Refunds go back to your card. A refund takes five days."),
            ("duplicate", "Charged twice? A duplicate payment is reversed automatically."),
            ("password", "Reset a forgotten password from the sign-in page."),
        ]
    )
    return index


def test_misspelled_terms_map_to_the_knowledge_base_vocabulary() -> None:
    expander = QueryExpander(make_index())
    assert expander.corrections("pasword reset") == {"pasword": "password"}
    assert make_index().search_terms(expander.expand("pasword"), 1)[0][0] == "password"


def test_known_terms_and_short_words_are_left_alone() -> None:
    expander = QueryExpander(make_index())
    assert expander.corrections("refund xyz") == {}


def test_feedback_adds_weighted_terms_from_top_chunks() -> None:
    index = make_index()
    expander = QueryExpander(index, ExpansionOptions(feedback_docs=1, feedback_terms=3))
    terms = expander.expand("charged twice")
    added = {t: w for t, w in terms.items() if t not in ("charg", "twic")}
    assert added
    assert all(0 < w <= 0.3 for w in added.values())
    assert "duplic" in added or "payment" in added or "revers" in added


def test_vocabulary_growth_is_picked_up() -> None:
    index = make_index()
    expander = QueryExpander(index)
    assert expander.corrections("invoise") == {}
    index.add([("invoice", "Download an invoice from billing.")])
    assert expander.corrections("invoise") == {"invois": "invoic"}
