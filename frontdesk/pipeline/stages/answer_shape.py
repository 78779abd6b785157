"""What kind of fact a question asks for, and whether a sentence states one.

"How much is…" wants an amount, "how long / when…" a time or duration, "where do I…"
a place in the product (a menu path, "select …"), "how many / what is the maximum…" a
number. A help-center sentence that states the asked kind of fact is far more often the
answer than one that merely shares the question's words ("Plus members get 15% off"
beats "Plus is our most popular plan" for "how much is Plus"). The extractive generator
uses this to prefer such sentences, and to prefer a passage that holds one when the top
passage holds none. English only, like the generator's word matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AMOUNT = re.compile(
    r"[€$£]\s?\d|\d\s?(?:€|eur\b|euros?\b|usd\b|%)|\bfree\b|\bno fee\b|\bcosts?\b", re.I
)
_TIME = re.compile(
    r"\b\d+\s*(?:calendar |business |working )?(?:minutes?|hours?|days?|weeks?|months?|years?)\b"
    # a clock time ("08:00", "3 pm"), never a price ("€12.99" is not a time)
    r"|(?<![€$£\d.,])\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b"
    r"|\b(?:immediately|instantly|same day|next business day)\b",
    re.I,
)
_PLACE = re.compile(r"\s>\s|\bgo to\b|\bselect\b|\bclick\b|\btap\b|\bopen\b", re.I)
# "how many can I buy": "there is no limit" and "unlimited" answer it as well as a number
_NUMBER = re.compile(r"\b\d+\b|\bno (?:limit|maximum)\b|\bunlimited\b", re.I)


@dataclass(frozen=True, slots=True)
class _Shape:
    name: str
    asked: re.Pattern[str]  # matches a question asking for this kind of fact
    stated: re.Pattern[str]  # matches a sentence stating one


_SHAPES = (
    _Shape(
        "amount",
        re.compile(r"\bhow much\b|\bcosts?\b|\bprices?\b|\bfees?\b|\bcharged?\b|\bcheap", re.I),
        _AMOUNT,
    ),
    _Shape(
        "time",
        re.compile(
            r"\bhow long\b|\bwhen\b|\bwhat times?\b|\bdeadline\b"
            r"|\bhow (?:soon|fast|quickly|far back|often)\b"
            r"|\bhow many (?:days|hours|weeks|months)\b",
            re.I,
        ),
        _TIME,
    ),
    _Shape(
        "place",
        re.compile(
            r"\bwhere\b|\bhow (?:do|can|should) (?:i|we)\b|\bfind\b|\bturn (?:on|off)\b"
            r"|\bset up\b",
            re.I,
        ),
        _PLACE,
    ),
    _Shape("number", re.compile(r"\bhow many\b|\bmax(?:imum)?\b|\blimits?\b", re.I), _NUMBER),
)


@dataclass(frozen=True, slots=True)
class AnswerShape:
    """The kinds of fact a question asks for (possibly none)."""

    kinds: tuple[_Shape, ...]

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.kinds]

    def stated_in(self, text: str) -> bool:
        """True when ``text`` states a fact of an asked kind."""
        return any(k.stated.search(text) for k in self.kinds)


def answer_shape(question: str) -> AnswerShape:
    return AnswerShape(tuple(k for k in _SHAPES if k.asked.search(question)))


def shape_of_kinds(*names: str) -> AnswerShape:
    """The shape of a question asking for the ``names`` kinds, for one whose words this
    module does not read (another language)."""
    return AnswerShape(tuple(k for k in _SHAPES if k.name in names))
