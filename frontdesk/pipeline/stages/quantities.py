"""A reply that states a limit the customer's own quantity breaks does not answer them.

"How much is it to send a 10 kg parcel?" finds "A Small parcel (up to 2 kg…) costs
€4.49": a price, a parcel, the words of the question, and the wrong answer. When the
question names a quantity (a weight or a length) and the reply's first sentence, the one
that answers, sets a bound on the same kind of quantity that the customer's value breaks
("up to 2 kg" for 10 kg, "over 120 cm" for 50 cm), the reply is about another case.
English only, like the generator's word matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontdesk.pipeline.stages.answer_shape import answer_shape

# unit -> (dimension, factor to the dimension's base unit)
_UNITS = {
    "g": ("weight", 0.001),
    "kg": ("weight", 1.0),
    "kgs": ("weight", 1.0),
    "kilo": ("weight", 1.0),
    "kilos": ("weight", 1.0),
    "lb": ("weight", 0.4536),
    "lbs": ("weight", 0.4536),
    "mm": ("length", 0.1),
    "cm": ("length", 1.0),
    "m": ("length", 100.0),
}
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"(kgs?|kilos?|g|lbs?|mm|cm|m)\b"
_QUANTITY = re.compile(rf"{_NUMBER}\s?{_UNIT}", re.IGNORECASE)
_UPPER = re.compile(
    rf"\b(?:up to|max(?:imum)?\.?|at most|no more than|not more than|under|below|less than"
    rf"|lighter than|shorter than)\s+\**{_NUMBER}\s?{_UNIT}",
    re.IGNORECASE,
)
_LOWER = re.compile(
    rf"\b(?:over|above|more than|heavier than|longer than|at least|from|min(?:imum)?\.?)"
    rf"\s+\**{_NUMBER}\s?{_UNIT}",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    dimension: str
    value: float  # in the dimension's base unit (kg, cm)


def _quantity(number: str, unit: str) -> Quantity:
    dimension, factor = _UNITS[unit.lower()]
    return Quantity(dimension, float(number.replace(",", ".")) * factor)


def asked_quantities(question: str) -> list[Quantity]:
    return [_quantity(n, u) for n, u in _QUANTITY.findall(question)]


def broken_bound(question: str, sentence: str) -> str | None:
    """The bound in ``sentence`` a quantity of ``question`` breaks ("up to 2 kg"), if any.

    Only for a question asking what something costs: "the locker didn't open, it's 9 kg"
    is rightly answered with "lockers take parcels up to 5 kg"."""
    asked = asked_quantities(question)
    if not asked or "amount" not in answer_shape(question).names:
        return None
    for pattern, breaks in ((_UPPER, float.__gt__), (_LOWER, float.__lt__)):
        for match in pattern.finditer(sentence):
            bound = _quantity(match.group(1), match.group(2))
            for quantity in asked:
                if quantity.dimension == bound.dimension and breaks(quantity.value, bound.value):
                    return match.group(0).replace("*", "")
    return None


def fitting_row(question: str, rows: list[str]) -> tuple[int | None, set[int]]:
    """For a question naming a quantity ("a 4 kg box"): the table row that covers it (the
    one whose first quantity of that kind is the smallest at or above it: "Max. weight
    5 kg: …") and every row that states a quantity of that kind. ``(None, set())`` when
    the question names none or no row fits."""
    asked = asked_quantities(question)
    if not asked:
        return None, set()
    quantity = asked[0]
    bounds: dict[int, float] = {}
    for index, row in enumerate(rows):
        for number, unit in _QUANTITY.findall(row):
            bound = _quantity(number, unit)
            if bound.dimension == quantity.dimension:
                bounds[index] = bound.value
                break
    covering = [i for i, value in bounds.items() if value >= quantity.value]
    if not covering:
        return None, set(bounds)
    return min(covering, key=lambda i: (bounds[i], i)), set(bounds)
