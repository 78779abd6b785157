"""What the customer lacks, and which sentences assume they have it."""

from __future__ import annotations

import pytest

from frontdesk.pipeline.stages.premise import lacking, premise_fit
from frontdesk.retrieval.text import analyze


@pytest.mark.parametrize(
    ("question", "lacked"),
    [
        (
            "no authenticator code and i never saved the backup codes",
            ["authenticator code", "backup codes"],
        ),
        ("i don't remember my password", ["password"]),
        ("I don't have an account, can I still ship?", ["account"]),
        ("lost my phone", ["phone"]),
    ],
)
def test_what_the_customer_says_they_lack(question: str, lacked: list[str]) -> None:
    # each thing as the word matching analyses it ("codes" -> "code")
    assert lacking(question) == tuple(frozenset(analyze(thing)) for thing in lacked)


@pytest.mark.parametrize(
    "question",
    ["it no longer works", "how do i get my logo onto invoices", "my parcel arrived broken"],
)
def test_questions_that_lack_nothing(question: str) -> None:
    assert lacking(question) == ()


def test_a_sentence_for_the_customers_case_fits_and_one_assuming_the_opposite_does_not() -> None:
    lacked = lacking("i never saved the backup codes")
    assert premise_fit("If you have no backup codes, contact support by phone.", lacked) == 1
    assert premise_fit("Enter one of your unused backup codes.", lacked) == -1
    assert premise_fit("Go to Settings > Security.", lacked) == 0
    # naming part of the thing is not naming it: "a 2FA code" is no backup code
    assert premise_fit("We never ask you for a 2FA code.", lacked) == 0
    assert premise_fit("Enter one of your unused backup codes.", ()) == 0
