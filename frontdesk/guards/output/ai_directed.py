"""Text addressed to an AI model, relayed from a poisoned source ("ignore previous
instructions", "as an AI assistant you must", "system prompt", "do not tell the user").

An answer is written for a customer; a sentence aimed at a model means a planted
instruction reached the reply. Strong cues always count; weak ones count when the
injection detector also scores the sentence at or above ``threshold``.
"""

from __future__ import annotations

from frontdesk.guards.injection.detector import InjectionScorer
from frontdesk.guards.injection.patterns import ai_directed_cues
from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.types import Finding, GuardAction


def check_ai_directed(
    answer: str,
    scorer: InjectionScorer,
    *,
    threshold: float,
    action: GuardAction,
    drop: bool,
) -> list[Finding]:
    findings = []
    for sentence in split_sentences(answer):
        cues = ai_directed_cues(sentence.text)
        if not cues:
            continue
        if not cues.strong and scorer.score(sentence.text) < threshold:
            continue
        findings.append(
            Finding("ai_directed", "ai_directed_text",
                    "text addressed to an AI model (" + ", ".join(cues.names) + ")",
                    action, sentence.index, drop)
        )  # fmt: skip
    return findings
