"""Near misses: questions an embedding puts side by side whose answers differ."""

from __future__ import annotations

import pytest

from frontdesk.pipeline.near_miss import mismatch, names, negations, quantities


@pytest.mark.parametrize(
    ("cached", "asked"),
    [
        ("How do I cancel my plan?", "How do I not cancel my plan?"),
        ("Can I get a refund for a label I used?", "Can I get a refund for a label I didn't use?"),
        ("Can I send batteries?", "Why can't I send batteries?"),
        ("Is there a fee to cancel a pickup?", "Is there never a fee to cancel a pickup?"),
        ("how do I subscribe to updates", "how do I unsubscribe from updates"),
        ("I am able to log in", "I am unable to log in"),
    ],
)
def test_a_negation_on_one_side_only_rejects(cached: str, asked: str) -> None:
    assert mismatch(cached, asked) == "negation"
    assert mismatch(asked, cached) == "negation"


@pytest.mark.parametrize(
    ("cached", "asked"),
    [
        ("cost to send a 4 kg box to austria", "cost to send a 10 kg box to austria"),
        ("what does a 2kg parcel cost", "what does a 20kg parcel cost"),
        ("can I ship 3 parcels in one pickup", "can I ship 30 parcels in one pickup"),
        ("is €50 cover included", "is €500 cover included"),
        ("refund within 14 days?", "refund within 30 days?"),
        ("can I send two parcels", "can I send three parcels"),
        ("how much for a parcel", "how much for 5 parcels"),
    ],
)
def test_a_different_number_rejects(cached: str, asked: str) -> None:
    assert mismatch(cached, asked) == "number"


def test_numbers_written_as_words_or_digits_agree() -> None:
    assert quantities("can I send two parcels") == quantities("can I send 2 parcels")
    assert mismatch("can I send two parcels at once", "can I send 2 parcels at once") is None


@pytest.mark.parametrize(
    ("cached", "asked", "context"),
    [
        ("How much does the Plus plan cost?", "How much does the Business plan cost?", ()),
        ("does the Shopify app sync orders", "does the WooCommerce app sync orders", ()),
        # Typed in lower case: the cached answer writes the name as one.
        (
            "how long does delivery to spain take",
            "how long does delivery to italy take",
            ("Parcels to Spain arrive in 3 to 6 business days.",),
        ),
        ("how much is the plus plan", "how much is the business plan", ("Plus costs €9.99.",)),
        ("can I print labels on an A4 sheet", "can I print labels on an A6 sheet", ()),
    ],
)
def test_a_different_name_rejects(cached: str, asked: str, context: tuple[str, ...]) -> None:
    assert mismatch(cached, asked, context) == "entity"


@pytest.mark.parametrize(
    ("cached", "asked"),
    [
        ("how do I enable notifications", "how do I disable notifications"),
        ("how do I upgrade my plan", "how do I downgrade my plan"),
        ("how do I add a team member", "how do I remove a team member"),
        ("what is the maximum parcel weight", "what is the minimum parcel weight"),
        ("how long does domestic delivery take", "how long does international delivery take"),
    ],
)
def test_an_opposite_action_rejects(cached: str, asked: str) -> None:
    assert mismatch(cached, asked) == "opposite"


@pytest.mark.parametrize(
    ("cached", "asked"),
    [
        ("How do I reset my password?", "I forgot my password, how can I change it?"),
        ("How long is a shipping label valid?", "For how many days can I use a shipping label?"),
        ("How do I cancel my subscription?", "how can i cancel my subscription"),
        ("Where is my parcel?", "where's my package right now"),
    ],
)
def test_paraphrases_pass(cached: str, asked: str) -> None:
    assert mismatch(cached, asked) is None


def test_a_question_s_first_word_is_not_a_name() -> None:
    assert "austria" in names(["Shipping to Austria"])  # a name wherever it stands
    assert mismatch("Shipping labels expire when?", "when do labels for shipping expire") is None


def test_negations_count_contractions_and_words() -> None:
    assert negations("I can't and won't, never") == 3
    assert negations("I can\u2019t log in") == 1
    assert negations("how do I log in") == 0


def test_an_answer_stating_the_opposite_of_what_is_asked_rejects() -> None:
    answer = "The maximum weight is 31.5 kg per parcel on all services and zones."
    assert (
        mismatch(
            "Is there a weight limit per parcel?",
            "What is the minimum weight of a parcel?",
            [answer],
        )
        == "opposite"
    )
    assert (
        mismatch(
            "Is there a weight limit per parcel?", "How heavy may a parcel be at most?", [answer]
        )
        is None
    )
