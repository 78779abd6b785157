"""Words a customer writes apart that the knowledge base writes as one."""

from __future__ import annotations

from frontdesk.retrieval.compounds import joined_candidates, joined_text

KNOWN = {"pickup", "webhook", "setup", "email"}.__contains__


def test_pairs_the_knowledge_base_writes_as_one_word_are_joined() -> None:
    assert joined_text("Do you pick up on Saturdays?", KNOWN) == "Do you pickup on Saturdays?"
    assert joined_text("how do i set up a web hook", KNOWN) == "how do i setup a webhook"
    assert joined_text("my e-mail changed", KNOWN) == "my email changed"


def test_nothing_is_joined_that_the_knowledge_base_does_not_use() -> None:
    assert joined_text("can you pick it up", KNOWN) == "can you pick it up"
    assert joined_text("credit card", KNOWN) == "credit card"


def test_stopword_pairs_numbers_apostrophes_and_punctuation_are_never_candidates() -> None:
    assert "into" not in joined_candidates("log in to the app")
    assert joined_candidates("2 kg") == []
    assert joined_candidates("don't know") == []
    # a sentence boundary between the halves is not a written-apart word
    assert joined_text("I had to pick. Up to you", KNOWN) == "I had to pick. Up to you"


def test_overlapping_pairs_join_once() -> None:
    assert joined_text("pick up up", {"pickup", "upup"}.__contains__) == "pickup up"


def test_words_the_knowledge_base_also_uses_on_their_own_stay_apart() -> None:
    known = {"coronavirus", "corona", "virus", "pickup", "pick"}.__contains__
    assert joined_text("is the corona virus airborne", known) == "is the corona virus airborne"
    # "up" is a stopword: "pick" alone would find passages about picking a size
    assert joined_text("do you pick up today", known) == "do you pickup today"
    # a one-letter fragment is not a word of its own ("e" from "e.g.")
    assert joined_text("my e mail", {"email", "e", "mail"}.__contains__) == "my email"
