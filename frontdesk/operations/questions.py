"""The questions the assistant failed on, grouped so the same question asked many ways
counts once: word sets (lower-cased, stop words and plural ``s`` dropped) merged when
most words of one are in the other. The texts are the stored customer turns, already
PII-redacted."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from frontdesk.retrieval.text import without_placeholders

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "a an the and or but if of to in on at for from by with about as is are was were be "
    "been do does did have has had i me my we our you your it its this that these those "
    "can could would should will shall may might must please hi hello thanks thank how "
    "what when where why which who there here not no yes so just get".split()
)
# Two questions are one when most words of the shorter one are in the longer one (a
# question with a sentence of context added still matches), and at least two words.
SIMILAR = 0.75


def words(text: str) -> frozenset[str]:
    tokens = (w.lower() for w in _WORD.findall(without_placeholders(text)))
    kept = {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in tokens if w not in _STOP}
    return frozenset(kept)


@dataclass
class QuestionGroup:
    """Similar questions: the most frequent wording stands for the group."""

    words: frozenset[str]
    wordings: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    last_seen: datetime | None = None

    @property
    def count(self) -> int:
        return sum(self.wordings.values())

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.wordings.most_common(1)[0][0],
            "count": self.count,
            "outcomes": dict(self.outcomes),
            "reasons": dict(self.reasons),
            "examples": [text for text, _ in self.wordings.most_common(3)],
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    shared = len(a & b)
    if shared < 2:
        return a == b
    return shared / min(len(a), len(b)) >= SIMILAR


def group_questions(
    rows: list[tuple[str, str, str | None, datetime]], limit: int
) -> list[dict[str, object]]:
    """``rows`` of (text, outcome, reason, when) grouped, the most frequent first."""
    groups: list[QuestionGroup] = []
    exact: dict[frozenset[str], QuestionGroup] = {}
    by_word: dict[str, list[QuestionGroup]] = {}  # only groups sharing a word can match
    for text, outcome, reason, when in rows:
        key = words(text)
        group = exact.get(key)
        if group is None:
            candidates = {id(g): g for w in key for g in by_word.get(w, ())}
            group = next((g for g in candidates.values() if _similar(g.words, key)), None)
        if group is None:
            group = QuestionGroup(key)
            groups.append(group)
            for word in key:
                by_word.setdefault(word, []).append(group)
        exact[key] = group
        group.wordings[text.strip()] += 1
        group.outcomes[outcome] += 1
        if reason:
            group.reasons[reason] += 1
        if group.last_seen is None or when > group.last_seen:
            group.last_seen = when
    groups.sort(key=lambda g: (-g.count, g.wordings.most_common(1)[0][0]))
    return [g.to_dict() for g in groups[:limit]]


def group_handoffs(
    rows: list[tuple[str | None, str, str | None, datetime]], limit: int
) -> list[dict[str, object]]:
    """Handed-over replies grouped as :func:`group_questions` does, with the handoffs no
    question led to (``text`` ``None``: the customer pressed "Talk to a person") grouped
    by their reason, ``question`` ``None``: every handoff the escalation rate counts."""
    asked = [(text, outcome, reason, when) for text, outcome, reason, when in rows if text]
    unasked: dict[str, QuestionGroup] = {}
    for text, outcome, reason, when in rows:
        if text:
            continue
        group = unasked.setdefault(reason or "", QuestionGroup(frozenset()))
        group.wordings[""] += 1
        group.outcomes[outcome] += 1
        if reason:
            group.reasons[reason] += 1
        if group.last_seen is None or when > group.last_seen:
            group.last_seen = when
    groups = group_questions(asked, limit) + [
        {**g.to_dict(), "question": None, "examples": []} for g in unasked.values()
    ]
    groups.sort(key=lambda g: -cast(int, g["count"]))
    return groups[:limit]
