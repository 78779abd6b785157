"""Instruction leaks: the release's canary token, or long runs of the system prompt.

The canary is a random token put in every system prompt of a release; it has no reason
to appear in an answer. Word n-grams shared with the system prompt (and not with the
cited passages, which an answer may quote) catch paraphrase-free leaks.
"""

from __future__ import annotations

from frontdesk.guards.output.text import words
from frontdesk.guards.types import Finding, GuardAction, OutputCheckInput


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    tokens = [w.lower() for w in words(text)]
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def prompt_overlap(answer: str, prompt: str, *, n: int, exclude: str = "") -> float:
    """Share of the answer's word n-grams that also occur in the prompt."""
    answer_grams = _ngrams(answer, n)
    if not answer_grams:
        return 0.0
    shared = (answer_grams & _ngrams(prompt, n)) - _ngrams(exclude, n)
    return len(shared) / len(answer_grams)


def check_leak(item: OutputCheckInput, *, ngram: int) -> list[Finding]:
    findings: list[Finding] = []
    if item.canary and item.canary.lower() in item.answer.lower():
        findings.append(
            Finding("leak", "canary_leak", "the answer contains the release canary token",
                    GuardAction.HANDOFF)
        )  # fmt: skip
    if item.system_prompt:
        sources = " ".join(p.text for p in item.cited)
        overlap = prompt_overlap(item.answer, item.system_prompt, n=ngram, exclude=sources)
        if overlap > 0.0:
            findings.append(
                Finding("leak", "prompt_leak",
                        f"{overlap:.0%} of the answer's {ngram}-word runs repeat the system prompt",
                        GuardAction.HANDOFF)
            )  # fmt: skip
    return findings
