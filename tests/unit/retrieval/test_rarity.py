"""The question's rare words a passage leaves out."""

from __future__ import annotations

from frontdesk.retrieval.rarity import IDF_COVERAGE, MISSING_IDF, annotate, idf, term_weights
from frontdesk.retrieval.types import Passage

DF = {"discount": 6, "student": 1, "offer": 3}


def test_rarer_terms_weigh_more_and_unknown_terms_weigh_most() -> None:
    weights = term_weights(["discount", "student", "capital"], lambda t: DF.get(t, 0), 100)
    assert weights["student"] == 1.0  # one chunk uses it: the rarest a term can be
    assert 0.0 < weights["discount"] < weights["student"]
    assert weights["capital"] == 1.0  # the knowledge base never says it
    assert idf(1, 100) > idf(6, 100) > 0


def test_a_passage_without_the_rare_word_covers_less_of_the_question() -> None:
    weights = term_weights(["offer", "student", "discount"], lambda t: DF.get(t, 0), 100)
    promo = Passage("p", "Promo codes give a discount; partners offer them.", "Promo codes", 1.0)
    students = Passage("s", "Students get a discount we offer.", "Student plans", 0.5)
    annotate([promo, students], weights)
    assert promo.metadata[MISSING_IDF] == 1.0
    assert students.metadata[MISSING_IDF] == 0.0
    assert students.metadata[IDF_COVERAGE] == 1.0
    assert 0.0 < promo.metadata[IDF_COVERAGE] < 0.6
