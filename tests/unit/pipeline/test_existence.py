"""Existence questions ("do you offer X?") are answered only from a source naming X."""

from __future__ import annotations

import pytest

from frontdesk.pipeline.stages.existence import asked_object, unnamed


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do you offer a student discount?", ["discount", "student"]),
        ("Is there a discount for students?", ["discount", "student"]),
        ("hi, do you have gift wrapping?", ["gift", "wrap"]),
        ("can i get tracking updates on whatsapp", ["track", "updat", "whatsapp"]),
        # asks how, not whether: nothing in particular is named
        ("is there a way to get one invoice a month", []),
        ("is there a special way i should tape the box", []),
        # "can I get my …" asks for something the customer has, not whether it exists
        ("can i get my referral money paid out", []),
        ("how do I reset my password?", []),
    ],
)
def test_the_thing_asked_about(question: str, expected: list[str]) -> None:
    assert asked_object(question) == expected


def test_a_source_must_name_every_part_of_it() -> None:
    promo = "Promo codes give you a discount on labels, for example from partner offers."
    assert unnamed("Do you offer a student discount?", promo) == ["student"]
    plans = "Students get 10% off every label with a valid student card."
    assert unnamed("Do you offer a student discount?", f"Student discount. {plans}") == []
    assert unnamed("How do I use a promo code?", promo) == []


def test_a_long_tail_is_detail_not_the_thing() -> None:
    asked = asked_object("is there a report of my reverse charge sales per client that i can give")
    assert len(asked) <= 4
    assert "client" not in asked or "report" in asked
