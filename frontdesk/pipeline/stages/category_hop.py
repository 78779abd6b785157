"""A question that names a member of a category the prices are given by.

"What does it cost to send a 4 kg box to Austria?" The price table has columns "Zone 2 …
Zone 5" and never says "Austria"; another table says "Zone 2 - Neighbours | Austria,
Belgium, …". Searching the question finds neither the right table nor the zone, and the
best-matching passage is the domestic price list: a confident, wrong answer. A help
center states such memberships as a table row whose first cell names the category and
another cell lists its members; when a question names a member ("austria"), the category
("Zone 2") is what the answer is filed under, so the retriever searches again with it.

Only for questions asking for an amount or a time (what such categories decide), and
only for a member written as a name in the source (capitalised, in a list of at least
three), so an ordinary word never hops.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from frontdesk.domain.catalogue import CATALOGUE_LANGUAGES
from frontdesk.pipeline.stages.answer_shape import answer_shape
from frontdesk.pipeline.stages.sentences import Unit, units
from frontdesk.pipeline.state import Passage
from frontdesk.retrieval.text import content_words

# On the passage stating the membership: the member, whose row alone answers from it.
CATEGORY_MEMBER = "category_member"
# On the passage found with the category: the category, whose rows alone answer from it
# when some rows name it ("Zone 3 - Rest of EU: 3-6 business days").
CATEGORY = "category"
HOP_SHAPES = ("amount", "time")  # what categories decide
_WORD = re.compile(r"[^\W\d_]{3,}")
_MIN_MEMBERS = 3
# The category's own name is the first cell up to a dash: "Zone 2 - Neighbours" -> "Zone 2".
_LABEL_END = re.compile(r"\s+[\u2013\u2014-]\s+|:")


@dataclass(frozen=True, slots=True)
class CategoryHop:
    member: str  # as the question wrote it
    label: str  # the category, as the source names it ("Zone 2")
    chunk_id: str  # the passage stating the membership


def asks_for_category_fact(question: str) -> bool:
    return bool(set(HOP_SHAPES) & set(answer_shape(question).names)) or bool(
        _ASKED_IN_OTHER_LANGUAGES.search(question)
    )


def candidate_words(question: str) -> list[str]:
    """The question's content words (3+ letters, no digits): where a member's name is;
    then every name of a country the question names otherwise ("UK": "united kingdom"),
    and the English name of one it names in another language ("Österreich": "austria")."""
    found = [w for w in content_words(question) if _WORD.fullmatch(w)]
    english = english_country_names(question)
    others = same_place_names(" ".join([question, *english]))
    return list(dict.fromkeys([*found, *others, *english]))


# Names customers write for a country that a help center may name otherwise ("UK" for
# "United Kingdom"): the names of a group stand for one another when looking up members.
_SAME_PLACE = (
    ("united kingdom", "uk", "great britain", "britain", "england", "scotland", "wales"),
    ("usa", "united states", "united states of america", "america"),
    ("netherlands", "holland"),
    ("czech republic", "czechia"),
    ("united arab emirates", "uae"),
)
_US = re.compile(r"\b(?:US|U\.S\.(?:A\.)?)(?!\w)")  # in lower case "us" is a pronoun
# "How much / how long" in the other catalogue languages: a help center written in English
# files prices by zone there too ("wie viel kostet ein Paket nach Österreich?").
_ASKED_IN_OTHER_LANGUAGES = re.compile(
    r"\b(?:wie ?viel|was kostet|kostet|preis|wie lange|combien|co[uû]te|prix|tarifs?"
    r"|cu[aá]nto|cuesta|precio|hoeveel|wat kost|kost|prijs|hoe lang|quanto|costa|prezzo"
    r"|custa|pre[cç]o|delais?|délai|plazo|levertijd|tempi)\b",
    re.I,
)


def same_place_names(question: str) -> list[str]:
    lowered = question.lower()
    names: list[str] = []
    for group in _SAME_PLACE:
        written = any(re.search(rf"\b{re.escape(name)}\b", lowered) for name in group)
        if written or (group[0] == "usa" and _US.search(question)):
            names.extend(group)
    return names


def english_country_names(question: str) -> list[str]:
    """The English names (lower case) of the countries ``question`` names in one of the
    other catalogue languages, from CLDR's territory names (``babel``)."""
    names, pattern = _other_language_countries()
    return list(dict.fromkeys(names[m.group(0).lower()] for m in pattern.finditer(question)))


@functools.cache
def _other_language_countries() -> tuple[dict[str, str], re.Pattern[str]]:
    from babel import Locale

    english = Locale("en").territories
    names: dict[str, str] = {}
    for language in CATALOGUE_LANGUAGES:
        if language == "en":
            continue
        for code, name in Locale(language).territories.items():
            if code.isalpha() and code in english and name.lower() != english[code].lower():
                names.setdefault(name.lower(), english[code].lower())
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return names, re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_membership(words: list[str], passages: list[Passage]) -> CategoryHop | None:
    """The first table row in ``passages`` listing one of ``words`` as a named member."""
    wanted = set(words)
    for passage in passages:
        for line in passage.text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not line.lstrip().startswith("|") or len(cells) < 2:
                continue
            label = _label(cells[0])
            if not label:
                continue
            for cell in cells[1:]:
                members = [m.strip(" *.") for m in re.split(r",|\band\b", cell)]
                if len([m for m in members if m]) < _MIN_MEMBERS:
                    continue
                for member in members:
                    name = re.sub(r"^(?:e\.g\.|plus|the)\s+", "", member, flags=re.I)
                    if name[:1].isupper() and name.lower() in wanted:
                        return CategoryHop(name.lower(), label, passage.chunk_id)
    return None


def _label(first_cell: str) -> str:
    label = _LABEL_END.split(first_cell.replace("*", ""), maxsplit=1)[0].strip()
    # A category is a short name ("Zone 2", "Tier B"), not a sentence.
    return label if 0 < len(label.split()) <= 3 and not label.startswith("-") else ""


def answer_units(passage: Passage) -> list[Unit]:
    """The passage's answer units; a table of the hop's category keeps only its column
    ("Max. weight 5 kg: Zone 2 €17.99", not every zone's price)."""
    category = passage.metadata.get(CATEGORY)
    return units(passage.text, category if isinstance(category, str) else None)


def rows_without(name: str, rows: list[str]) -> set[int]:
    """Indexes of the ``rows`` that do not name ``name``; none when no row names it (the
    category is a column: "Max. weight 5 kg: Zone 2 €17.99, Zone 3 …")."""
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    other = {i for i, row in enumerate(rows) if not pattern.search(row)}
    return other if len(other) < len(rows) else set()
