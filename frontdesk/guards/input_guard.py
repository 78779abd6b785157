"""The input guard: normalise, redact PII, score injection, abuse and language.

Detectors see the normalised text (invisible characters removed, NFKC, look-alike
letters folded); PII spans are mapped back onto the message as received, and the
redacted text is built from the normalised text so no hidden characters are stored.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from frontdesk.errors import FrontdeskError
from frontdesk.guards.abuse import ProfanityDetector
from frontdesk.guards.injection.detector import InjectionGuard, build_scorer
from frontdesk.guards.language import LanguageDetector
from frontdesk.guards.normalize import NormalizedText, normalize
from frontdesk.guards.pii.language import clearly_other, probably_other, second_opinion
from frontdesk.guards.pii.listed_names import ListedNames
from frontdesk.guards.pii.redactor import PiiRedactor, apply_redaction
from frontdesk.guards.policy import GuardPolicy, InjectionAction
from frontdesk.guards.types import (
    AbuseResult,
    GuardAction,
    InjectionResult,
    InputGuardResult,
    LanguageResult,
    PiiSpan,
    strongest,
)

logger = logging.getLogger(__name__)

_ACTIONS = {
    InjectionAction.FLAG: GuardAction.FLAG,
    InjectionAction.REFUSE: GuardAction.REFUSE,
    InjectionAction.HANDOFF: GuardAction.HANDOFF,
}


class InputGuards:
    """All input guards of one release, configured by its :class:`GuardPolicy`."""

    def __init__(self, policy: GuardPolicy | None = None) -> None:
        self.policy = policy = policy or GuardPolicy()
        self.redactor = PiiRedactor(labels=policy.pii_labels, ner=policy.pii_ner)
        self.injection = InjectionGuard(
            build_scorer(policy.injection_detector),
            threshold=policy.injection_threshold,
            document_threshold=policy.chunk_injection_threshold,
        )
        self.abuse = ProfanityDetector(policy.abuse_threshold)
        self.language = LanguageDetector()
        self.second_language = second_opinion()

    def warm_up(self) -> None:
        self.redactor.warm_up()
        self.injection.warm_up()
        if self.policy.abuse_detection:
            self.abuse.warm_up()
        if self.policy.language_detection:
            self.language.warm_up()
            self.second_language.warm_up()

    def check(
        self, text: str, language: str | None = None, names: ListedNames | None = None
    ) -> InputGuardResult:
        """Check one customer message; fails closed (``handoff``) if a detector breaks.
        ``language``: the conversation's, when already decided (redaction depends on it).
        ``names``: the tenant's listed person names (:meth:`listed_names`).

        Raises :class:`~frontdesk.errors.InvalidInputError` (empty) or
        :class:`~frontdesk.errors.PayloadTooLargeError` (over ``max_chars``).
        """
        normalized = normalize(text, max_chars=self.policy.max_chars)
        try:
            return self._check(normalized, language, names)
        except FrontdeskError:
            raise
        except Exception:
            logger.exception("input guard failed; handing the turn off")
            return InputGuardResult(
                redacted_text="",
                pii=(),
                injection=None,
                abuse=None,
                language=None,
                flags=("guard_error",),
                action=GuardAction.HANDOFF,
            )

    def listed_names(self, names: Iterable[str]) -> ListedNames:
        """``names`` (a tenant's) compiled for :meth:`check`; English words only ever
        match as part of a full name. Cached per list: a tenant's list changes rarely."""
        return _compiled(tuple(sorted(names)), self.redactor.english_words)

    def _check(
        self, normalized: NormalizedText, language_hint: str | None, names: ListedNames | None
    ) -> InputGuardResult:
        clean = normalized.text
        policy = self.policy
        timings: dict[str, float] = {}
        flags: list[str] = []
        actions = [GuardAction.ALLOW]

        def note(flag: str, action: GuardAction) -> None:
            flags.append(flag)
            actions.append(action)

        # Hidden characters and look-alike letters are how filters get evaded: note them.
        if normalized.removed_controls:
            note("hidden_characters_removed", GuardAction.FLAG)
        if normalized.folded_homoglyphs:
            note("homoglyphs_folded", GuardAction.FLAG)

        language: LanguageResult | None = None
        if policy.language_detection:
            with _timed(timings, "language"):
                language = self.language.check(clean)
            if policy.allowed_languages and language.language not in policy.allowed_languages:
                note("language_not_supported", GuardAction.FLAG)

        # English models (NER, profanity) misread a message clearly in another language.
        other_language = clearly_other(language, clean)
        spans: list[PiiSpan] = []
        redacted = clean
        if policy.pii_redaction:
            with _timed(timings, "pii"):
                # Only where the English NER runs: does it keep its one-word names?
                probably_foreign = (
                    policy.pii_ner
                    and language_hint is None
                    and other_language is None
                    and probably_other(language, clean, self.second_language)
                )
                found = self.redactor.find(
                    clean,
                    language_hint or other_language,
                    names,
                    one_word_names=not probably_foreign,
                )
                redacted = apply_redaction(clean, found)
                for span in found:
                    start, end = normalized.to_original(span.start, span.end)
                    spans.append(PiiSpan(start, end, span.label, span.score, span.source))
            if spans:
                flags.append("pii_redacted")

        with _timed(timings, "injection"):
            injection: InjectionResult = self.injection.check_message(clean)
        if injection.detected:
            note("injection", _ACTIONS[policy.injection_action])

        abuse: AbuseResult | None = None
        if policy.abuse_detection:
            with _timed(timings, "abuse"):
                abuse = self.abuse.check(clean, language_hint or other_language)
            if abuse.detected:
                note("abuse", _ACTIONS[policy.abuse_action])

        return InputGuardResult(
            redacted_text=redacted,
            pii=tuple(spans),
            injection=injection,
            abuse=abuse,
            language=language,
            flags=tuple(flags),
            action=strongest(*actions),
            timings_ms=timings,
        )

    def check_chunk(self, text: str) -> InjectionResult:
        """Indirect-injection score of a knowledge chunk (windowed; for ingestion)."""
        return self.injection.check_document(text)


@functools.lru_cache(maxsize=256)
def _compiled(names: tuple[str, ...], english: frozenset[str]) -> ListedNames:
    return ListedNames.build(names, english)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    """Record how long the block took, in milliseconds, as ``timings[name]``."""
    started = time.perf_counter()
    yield
    timings[name] = round((time.perf_counter() - started) * 1000, 3)
