"""The output guard: citations, grounding, leaks, business rules, actions claimed as
done, foreign identifiers, AI-directed text, unsourced URLs and unapproved contacts."""

from __future__ import annotations

import time
from collections.abc import Callable

from frontdesk.domain.catalogue import CATALOGUE_LANGUAGES
from frontdesk.guards.injection.detector import InjectionScorer, LinearInjectionDetector
from frontdesk.guards.language import LanguageDetector
from frontdesk.guards.output.actions import check_action_claims
from frontdesk.guards.output.ai_directed import check_ai_directed
from frontdesk.guards.output.citations import check_citations
from frontdesk.guards.output.contacts import check_contacts
from frontdesk.guards.output.grounding import check_grounding
from frontdesk.guards.output.identifiers import check_identifiers
from frontdesk.guards.output.leak import check_leak
from frontdesk.guards.output.rules import check_rules, on_fail_action
from frontdesk.guards.output.text import split_sentences, strip_citations
from frontdesk.guards.output.urls import check_urls
from frontdesk.guards.policy import GuardPolicy, OnFail
from frontdesk.guards.types import (
    Finding,
    GuardAction,
    OutputCheckInput,
    OutputGuardResult,
    strongest,
)

# py3langid's probability above which a text's language counts as known (over its 97
# languages a clear one-sentence Spanish answer scores ~0.8; a paragraph ~0.99)
_SURE_ANSWER = 0.75
_SURE_SOURCE = 0.9
# Among the served languages, the share above which a sentence is taken to be in the
# language the turn replies in (a majority of seven)
_LIKELY_REPLY = 0.5


class OutputGuards:
    """Runs every output check; drops sentences where a policy says so.

    The final action is the most severe finding's (``handoff`` blocks the answer). An
    answer whose every sentence was dropped is handed off too.
    """

    def __init__(
        self, policy: GuardPolicy | None = None, scorer: InjectionScorer | None = None
    ) -> None:
        self.policy = policy or GuardPolicy()
        self.scorer = scorer or LinearInjectionDetector()
        self.languages = LanguageDetector()
        # The languages Frontdesk serves: a second opinion on a short source text
        self.served = LanguageDetector(CATALOGUE_LANGUAGES)

    def warm_up(self) -> None:
        """Load the injection detector (AI-directed sentences) and the language detector
        (answers translated from their sources); the rest is text processing."""
        self.scorer.warm_up()
        self.languages.warm_up()
        self.served.warm_up()

    def translation_check(self, item: OutputCheckInput) -> Callable[[str], bool]:
        """Whether a sentence of the answer is in another language than its sources;
        judged per sentence, since a small model may start in German and go on in English.
        Either the sources are clearly in one language and the sentence clearly in
        another, or the turn's reply language differs from the sources' and the sentence,
        among the languages served, is most likely in it."""
        source = " ".join(p.text for p in item.cited)
        if not source.strip():
            return lambda _sentence: False
        cited = self.languages.check(source)
        among = self.served.check(source) if cited.score < _SURE_SOURCE else cited
        if among.language == cited.language and among.score >= _SURE_SOURCE:
            # A one-sentence FAQ answer ("Domestic Express costs €7.00 on top of the
            # standard label price.") is 0.80-0.88 English over 97 languages, and its
            # correct French translation lost every sentence to the word check. Among the
            # languages served, agreeing with the open guess, it is clear (0.97-0.98).
            cited = among
        sure = cited.score >= _SURE_SOURCE
        # A short sentence in the reply language is unclear on its own ("O plano Business
        # custa €490 por ano." is 0.22 Portuguese over 97 languages, 0.54 among the
        # served seven) and a price table is no clear source: the turn knows the language
        # it asked for, so a sentence most likely in it, from sources not in it, counts.
        reply = item.reply_language
        reply_differs = reply is not None and reply != (cited if sure else among).language

        def translated(sentence: str) -> bool:
            # with sources of no clear language, the open detector has nothing to compare to
            if sure:
                found = self.languages.check(sentence)
                if found.score >= _SURE_ANSWER and found.language != cited.language:
                    return True
            if not reply_differs:
                return False
            local = self.served.check(sentence)
            return local.language == reply and local.score >= _LIKELY_REPLY

        return translated

    def check(self, item: OutputCheckInput) -> OutputGuardResult:
        policy = self.policy
        timings: dict[str, float] = {}
        findings: list[Finding] = []

        started = time.perf_counter()
        findings += check_citations(item, require=policy.require_citations)
        timings["citations"] = _ms(started)

        started = time.perf_counter()
        grounding = check_grounding(
            item,
            min_support=policy.min_support,
            action=on_fail_action(policy.grounding_on_fail),
            drop=policy.grounding_on_fail is OnFail.DROP_SENTENCE,
            translated=self.translation_check(item),
        )
        findings += grounding.findings
        timings["grounding"] = _ms(started)

        started = time.perf_counter()
        findings += check_leak(item, ngram=policy.leak_ngram)
        timings["leak"] = _ms(started)

        started = time.perf_counter()
        rules = check_rules(item.answer, policy.rules)
        findings += rules.findings
        timings["rules"] = _ms(started)

        def on_fail(check: Callable[[GuardAction, bool], list[Finding]], how: OnFail) -> None:
            findings.extend(check(on_fail_action(how), how is OnFail.DROP_SENTENCE))

        for name, how, check in (
            ("actions", policy.action_claims_on_fail,
             lambda a, d: check_action_claims(item.answer, action=a, drop=d)),
            ("identifiers", policy.identifiers_on_fail,
             lambda a, d: check_identifiers(item, action=a, drop=d)),
            ("ai_directed", policy.ai_directed_on_fail,
             lambda a, d: check_ai_directed(item.answer, self.scorer,
                                            threshold=policy.ai_directed_threshold,
                                            action=a, drop=d)),
            ("urls", policy.urls_on_fail, lambda a, d: check_urls(item, action=a, drop=d)),
            ("contacts", policy.contacts_on_fail,
             lambda a, d: check_contacts(item, action=a, drop=d)),
        ):  # fmt: skip
            started = time.perf_counter()
            on_fail(check, how)
            timings[name] = _ms(started)

        dropped = sorted({f.sentence for f in findings if f.drop and f.sentence is not None})
        sentences = split_sentences(item.answer)
        kept = [s.text for s in sentences if s.index not in dropped]
        answer = " ".join(kept + rules.append) if dropped or rules.append else item.answer
        action = strongest(*(f.action for f in findings))
        if sentences and not any(_says_something(text) for text in kept):
            findings.append(
                Finding("output", "answer_empty_after_guards",
                        "every sentence was dropped", GuardAction.HANDOFF)
            )  # fmt: skip
            action = GuardAction.HANDOFF
        return OutputGuardResult(
            answer=answer,
            findings=tuple(findings),
            action=action,
            support_score=grounding.support_score,
            dropped_sentences=tuple(dropped),
            timings_ms=timings,
        )


def _says_something(sentence: str) -> bool:
    """More than citation markers: an answer of "[1]" alone says nothing."""
    return any(ch.isalpha() for ch in strip_citations(sentence))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
