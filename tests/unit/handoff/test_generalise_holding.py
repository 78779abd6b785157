"""An agent's holding line ("Let me check that for you.") is not an FAQ answer."""

from __future__ import annotations

import pytest

from frontdesk.guards.pii.redactor import PiiRedactor
from frontdesk.handoff.generalise import generalise


@pytest.fixture(scope="module")
def finder() -> PiiRedactor:
    return PiiRedactor()


def test_holding_lines_leave_the_draft_and_are_counted(finder) -> None:
    draft = generalise(
        "my parcel is late, where is it?",
        "Let me check that for you. One moment please. Parcels within Germany arrive in "
        "1-2 business days. I'll get back to you as soon as I hear from the depot.",
        finder,
    )
    assert draft.answer == "Parcels within Germany arrive in 1-2 business days."
    assert {r.kind: r.count for r in draft.removed}["holding"] == 3


def test_a_reply_that_only_holds_the_line_drafts_no_answer(finder) -> None:
    draft = generalise("what's the max size of a parcel?", "Let me check that for you.", finder)
    assert draft.answer == ""


def test_policy_sentences_that_mention_checking_stay(finder) -> None:
    reply = "Check the label's barcode before you drop the parcel off."
    assert generalise("how do i drop off a parcel", reply, finder).answer == reply
