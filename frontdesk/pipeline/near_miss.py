"""Near misses: two questions close in meaning whose answers differ.

A sentence embedding puts "how do I cancel my plan" next to "how do I not cancel my
plan", "a 4 kg parcel" next to "a 10 kg parcel" and "the Plus plan" next to "the Business
plan". Before a cached answer to one is served for the other, :func:`mismatch` compares
what an embedding blurs: negations, numbers, named things (products, places, plans) and
opposite actions. Any difference rejects the hit; a rejected paraphrase costs one
pipeline run, a wrong answer costs a customer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from frontdesk.guards.output.text import STOPWORDS, numbers, stem, words

_NEGATIONS = frozenset(
    "not no never none nothing nobody nowhere neither nor without cannot unable".split()
)
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
# Words that reverse what is asked for, both ways round.
_OPPOSITES = [
    ("enable", "disable"),
    ("activate", "deactivate"),
    ("add", "remove"),
    ("add", "delete"),
    ("upgrade", "downgrade"),
    ("increase", "decrease"),
    ("raise", "lower"),
    ("more", "less"),
    ("before", "after"),
    ("import", "export"),
    ("send", "receive"),
    ("buy", "sell"),
    ("open", "close"),
    ("start", "stop"),
    ("lock", "unlock"),
    ("allow", "forbid"),
    ("allowed", "prohibited"),
    ("include", "exclude"),
    ("domestic", "international"),
    ("inside", "outside"),
    ("minimum", "maximum"),
    ("min", "max"),
    ("cheapest", "expensive"),
    ("first", "last"),
    ("earliest", "latest"),
    ("join", "leave"),
    ("accept", "reject"),
    ("login", "logout"),
    ("in", "out"),
    ("on", "off"),
    ("up", "down"),
    ("with", "without"),
]
_OPPOSITE = {(stem(a), stem(b)) for a, b in _OPPOSITES} | {
    (stem(b), stem(a)) for a, b in _OPPOSITES
}
_PAIRED = frozenset(w for pair in _OPPOSITES for w in pair)
_SMALL = frozenset(stem(w) for w in _PAIRED if w in STOPWORDS)
_PREFIXES = ("un", "dis", "de", "non", "in", "im", "ir", "il")


def negations(text: str) -> int:
    """How many negations ``text`` holds ("don't", "cannot", "never" each count one)."""
    count = 0
    for word in words(text.replace("\u2019", "'")):
        lowered = word.lower()
        if lowered in _NEGATIONS or lowered.endswith("n't"):
            count += 1
    return count


def quantities(text: str) -> Counter[str]:
    """The numbers in ``text``, normalised; small number words count as digits."""
    found = Counter(value for _, value in numbers(text))
    found.update(_NUMBER_WORDS[w.lower()] for w in words(text) if w.lower() in _NUMBER_WORDS)
    return found


def _terms(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w.lower() not in STOPWORDS or w.lower() in _PAIRED}


def names(texts: Iterable[str]) -> set[str]:
    """Stems of the words written as names in ``texts``: capitalised (also at a sentence's
    start: help centers write "Plus costs …"), all capitals, or letters with digits."""
    found: set[str] = set()
    for text in texts:
        for word in words(text):
            lowered = word.lower()
            if lowered in STOPWORDS or len(word) < 2:
                continue
            mixed = any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
            if word[0].isupper() or mixed:
                found.add(stem(word))
    return found


def mismatch(cached: str, asked: str, context: Iterable[str] = ()) -> str | None:
    """Why the answer to ``cached`` must not answer ``asked`` (``negation``, ``number``,
    ``opposite``, ``entity``), or ``None``. ``context``: the cached answer and its sources'
    titles, where the names a customer types in lower case are written as names."""
    if negations(cached) != negations(asked):
        return "negation"
    if quantities(cached) != quantities(asked):
        return "number"
    ours, theirs = _terms(cached), _terms(asked)
    only_ours, only_theirs = ours - theirs, theirs - ours
    for a in only_ours:
        for b in only_theirs:
            if (a, b) in _OPPOSITE:
                return "opposite"
            if any(a == p + b or b == p + a for p in _PREFIXES):
                return "negation"  # "subscribe" / "unsubscribe", "able" / "unable"
    # "the minimum weight?" against an answer about "the maximum weight" (cached for "is
    # there a weight limit?"): the answer states the opposite of what is asked.
    # Only content words: an answer's "in", "on" or "up" says nothing of what was asked.
    stated = {stem(w) for w in words(" ".join(context)) if w.lower() not in STOPWORDS} - theirs
    if any((a, b) in _OPPOSITE for a in only_theirs - _SMALL for b in stated):
        return "opposite"
    # A question's first word is capitalised by grammar, not because it names something.
    named = names([" ".join(words(cached)[1:]), " ".join(words(asked)[1:]), *context])
    if (only_ours | only_theirs) & named:
        return "entity"
    return None
