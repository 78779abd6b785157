"""Per-tenant business rules on answers, each with its own on-fail policy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.policy import BusinessRule, OnFail
from frontdesk.guards.types import Finding, GuardAction


def on_fail_action(policy: OnFail) -> GuardAction:
    return GuardAction.HANDOFF if policy is OnFail.BLOCK_AND_HANDOFF else GuardAction.FLAG


@dataclass(frozen=True, slots=True)
class RulesReport:
    findings: list[Finding]
    append: list[str]  # disclaimers to add at the end of the answer


def _compile(rule: BusinessRule) -> re.Pattern[str]:
    if rule.kind == "regex":
        return re.compile(rule.pattern)
    return re.compile(rf"(?<!\w){re.escape(rule.pattern)}(?!\w)", re.IGNORECASE)


def check_rules(answer: str, rules: tuple[BusinessRule, ...]) -> RulesReport:
    findings: list[Finding] = []
    append: list[str] = []
    sentences = split_sentences(answer)
    for rule in rules:
        pattern = _compile(rule)
        action = on_fail_action(rule.on_fail)
        drop = rule.on_fail is OnFail.DROP_SENTENCE
        if rule.kind == "required_disclaimer":
            if pattern.search(answer) is None:
                findings.append(
                    Finding("rules", f"rule:{rule.id}", "required disclaimer is missing", action)
                )
                if drop:  # nothing to drop: the fix is to add the disclaimer
                    append.append(rule.pattern)
            continue
        for sentence in sentences:
            if pattern.search(sentence.text):
                findings.append(
                    Finding("rules", f"rule:{rule.id}", f"{rule.kind} matched",
                            action, sentence.index, drop)
                )  # fmt: skip
    return RulesReport(findings, append)
