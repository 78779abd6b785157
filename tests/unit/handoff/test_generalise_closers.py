"""An agent's closing question ("Anything else?") is not part of an FAQ answer, and a
greeting that was the whole first sentence ("Hi!") is counted once, as a greeting."""

from __future__ import annotations

import pytest

from frontdesk.guards.pii.redactor import PiiRedactor
from frontdesk.handoff.generalise import generalise


@pytest.fixture(scope="module")
def finder() -> PiiRedactor:
    return PiiRedactor()


@pytest.mark.parametrize(
    "closer",
    [
        "Anything else?",
        "Is there anything else I can help you with?",
        "Anything else I can do for you?",
        "Can I help you with anything else?",
        "Do you need anything else?",
        "Is there anything else?",
    ],
)
def test_a_closing_question_leaves_the_draft(finder, closer: str) -> None:
    draft = generalise(
        "is there a limit on how many gift cards i can buy at once",
        f"There is no limit on gift cards per order. {closer}",
        finder,
    )
    assert draft.answer == "There is no limit on gift cards per order."
    assert {r.kind: r.count for r in draft.removed}.get("pleasantry") == 1


def test_a_greeting_alone_is_counted_as_a_greeting_only(finder) -> None:
    draft = generalise(
        "is there a limit on how many gift cards i can buy at once",
        "Hi! There is no limit on gift cards per order.",
        finder,
    )
    assert draft.answer == "There is no limit on gift cards per order."
    assert {r.kind: r.count for r in draft.removed} == {"greeting": 1}


def test_questions_about_other_things_stay(finder) -> None:
    reply = "Anything else in the parcel must be listed on the customs form."
    assert generalise("what goes on a customs form", reply, finder).answer == reply
