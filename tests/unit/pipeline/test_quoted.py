"""What the customer's screen says, as they quote it."""

from __future__ import annotations

import pytest

from frontdesk.pipeline.stages.quoted import holds, quoted_phrases


@pytest.mark.parametrize(
    ("message", "phrases"),
    [
        ("it says too many attempts and i need to print a label right now", ["too many attempts"]),
        ("our account suddenly says read-only and i can't send invoices", ["read-only"]),
        ('I get "Invalid API key" when I connect', ["Invalid API key"]),
        ("it says store limit reached", ["store limit reached"]),
    ],
)
def test_a_quote_from_the_product(message: str, phrases: list[str]) -> None:
    assert quoted_phrases(message) == phrases


@pytest.mark.parametrize(
    "message",
    [
        "how do i reset my password",
        "the download link says expired",  # one word is in too many passages
        "my niece says she never got the email",  # a person's words, not the screen's
        "it says that",
    ],
)
def test_no_quote(message: str) -> None:
    assert quoted_phrases(message) == []


def test_a_passage_holds_a_quote_whatever_its_case_and_punctuation() -> None:
    text = 'You see the message "Too many attempts. Try again in 15 minutes."'
    assert holds(text, "too many attempts")
    assert holds("Your account becomes **read-only**:", "read-only")
    assert not holds("Too many sign-in attempts lock the account.", "too many attempts")
