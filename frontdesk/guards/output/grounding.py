"""Is the answer supported by what it cites?

Two checks per sentence, both cheap and explainable (no NLI model runs offline here):
facts (numbers, amounts, dates, capitalised names) must appear in the cited text, and the
share of the sentence's content words found in the cited text is its support score.

An answer written in another language than its sources (an LLM answering a German
customer from an English article) shares no words with them: a correct Spanish answer lost
every sentence, and German nouns, capitalised by grammar, read as unknown names. For such
a sentence (``translated`` says which) only the language-independent facts are checked:
numbers and amounts; its support score is not measured (1.0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from frontdesk.guards.output.text import (
    STOPWORDS,
    content_stems,
    numbers,
    split_sentences,
    stem,
    words,
)
from frontdesk.guards.types import Finding, GuardAction, OutputCheckInput

_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


@dataclass(frozen=True, slots=True)
class GroundingReport:
    findings: list[Finding]
    sentence_support: list[float]

    @property
    def support_score(self) -> float:
        """Mean sentence support (1.0 for an empty answer)."""
        if not self.sentence_support:
            return 1.0
        return round(sum(self.sentence_support) / len(self.sentence_support), 4)


def _names(sentence: str) -> list[str]:
    tokens = words(sentence)
    # The first word is capitalised by grammar, not because it is a name.
    return [
        t
        for t in tokens[1:]
        if t[:1].isupper() and t.lower() not in STOPWORDS and not t.isupper() and len(t) > 1
    ]


def check_grounding(
    item: OutputCheckInput,
    *,
    min_support: float,
    action: GuardAction,
    drop: bool,
    translated: Callable[[str], bool] | None = None,
) -> GroundingReport:
    source = " ".join(p.text for p in item.cited)
    source_numbers = {value for _, value in numbers(source)}
    source_words = {w.lower() for w in words(source)}
    source_stems = content_stems(source)
    findings: list[Finding] = []
    support: list[float] = []
    for sentence in split_sentences(item.answer):
        for surface, value in numbers(sentence.text):
            if value not in source_numbers:
                findings.append(
                    Finding("grounding", "ungrounded_number",
                            f"{surface!r} does not appear in the cited text",
                            action, sentence.index, drop)
                )  # fmt: skip
        if translated is not None and translated(sentence.text):
            support.append(1.0)
            continue
        for name in _names(sentence.text):
            lowered = name.lower()
            if lowered not in source_words and stem(name) not in source_stems:
                flag = "ungrounded_date" if lowered in _MONTHS else "ungrounded_name"
                findings.append(
                    Finding("grounding", flag, f"{name!r} does not appear in the cited text",
                            action, sentence.index, drop)
                )  # fmt: skip
        stems = content_stems(sentence.text)
        score = len(stems & source_stems) / len(stems) if stems else 1.0
        support.append(round(score, 4))
        if score < min_support:
            findings.append(
                Finding("grounding", "unsupported_sentence",
                        f"only {score:.0%} of the sentence's content words are in the sources",
                        action, sentence.index, drop)
            )  # fmt: skip
    return GroundingReport(findings, support)
