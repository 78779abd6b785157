from __future__ import annotations

import pytest

from frontdesk.retrieval.restate import restated, restated_in

PRICE = "how much is a 2 kg parcel to germany?"


@pytest.mark.parametrize(
    ("message", "earlier", "expected"),
    [
        ("and to France?", PRICE, "how much is a 2 kg parcel to France?"),
        ("what about to Austria?", "how much to send 5kg to the USA?", "how much to send 5kg to Austria?"),
        ("ok, and for business accounts?", "is there a discount for students?", "is there a discount for business accounts?"),
        ("to the UK?", "how long does delivery to Germany take?", "how long does delivery to the UK take?"),
        ("what about 10kg?", PRICE, "how much is a 10kg parcel to germany?"),
        ("and 5 kilos?", PRICE, "how much is a 5 kilos parcel to germany?"),
    ],
)  # fmt: skip
def test_a_swapped_part_restates_the_earlier_question(
    message: str, earlier: str, expected: str
) -> None:
    assert restated(message, earlier) == expected


@pytest.mark.parametrize(
    ("message", "earlier"),
    [
        ("what about express?", "how long does a parcel to france take?"),  # nothing to swap
        ("and in Spain?", PRICE),  # no "in" in the earlier question
        ("and 3 days?", PRICE),  # no amount in days
        ("thanks", PRICE),
        ("and how long does it take?", PRICE),
        ("can you send parcels to norway", PRICE),  # a question of its own
        ("to be honest I want a refund for my parcel to Italy", PRICE),
    ],
)
def test_anything_else_is_left_alone(message: str, earlier: str) -> None:
    assert restated(message, earlier) is None


def test_a_chain_of_swaps_restates_against_the_last_restated_question() -> None:
    earlier = [PRICE, "and to France?"]
    assert restated_in("and to Spain?", earlier) == "how much is a 2 kg parcel to Spain?"
    assert restated_in("and to Spain?", []) is None
