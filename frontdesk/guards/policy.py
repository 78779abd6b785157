"""The guard options a release carries: thresholds, detectors and on-fail policies.

A :class:`GuardPolicy` is data: ``policy.model_dump(mode="json")`` goes into the release
config and ``GuardPolicy.model_validate(d)`` reads it back; unknown fields are refused so
a typo in a release cannot silently switch a guard off.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PII_LABELS = (
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "IBAN",
    "SSN",
    "NATIONAL_ID",
    "IP_ADDRESS",
    "PERSON",
    "ADDRESS",
)


class InjectionAction(StrEnum):
    FLAG = "flag"
    REFUSE = "refuse"
    HANDOFF = "handoff"


class OnFail(StrEnum):
    """What an output check does when it fails."""

    BLOCK_AND_HANDOFF = "block_and_handoff"
    DROP_SENTENCE = "drop_sentence"
    FLAG = "flag"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BusinessRule(_Strict):
    """A per-tenant rule on answers.

    ``forbidden_phrase``: fails when the phrase occurs (case-insensitive, word-bounded).
    ``regex``: fails when the pattern matches. ``required_disclaimer``: fails when the
    phrase is absent; ``drop_sentence`` cannot fix that, so it appends the phrase instead.
    """

    id: str = Field(min_length=1, max_length=64)
    kind: Literal["forbidden_phrase", "regex", "required_disclaimer"]
    pattern: str = Field(min_length=1, max_length=1000)
    on_fail: OnFail = OnFail.FLAG

    @model_validator(mode="after")
    def _pattern_compiles(self) -> BusinessRule:
        if self.kind == "regex":
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"rule {self.id!r}: invalid regex: {exc}") from exc
        return self


class GuardPolicy(_Strict):
    """Every guard knob of one release. Defaults are the benchmarked configuration."""

    max_chars: int = Field(4000, gt=0, description="Longer messages are refused (413).")

    pii_redaction: bool = True
    pii_ner: bool = Field(
        False, description="Also find person names and addresses with spaCy (slower)."
    )
    pii_labels: tuple[str, ...] = PII_LABELS

    injection_detector: Literal["frontdesk", "svguardian"] = "frontdesk"
    injection_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="None: the operating threshold shipped with the detector.",
    )
    injection_action: InjectionAction = InjectionAction.HANDOFF
    chunk_injection_threshold: float | None = Field(None, ge=0.0, le=1.0)

    abuse_detection: bool = True
    abuse_threshold: float = Field(0.85, ge=0.0, le=1.0)
    abuse_action: InjectionAction = InjectionAction.FLAG

    language_detection: bool = True
    allowed_languages: tuple[str, ...] = Field(
        (), description="ISO 639-1 codes; empty allows any. Others are flagged."
    )

    require_citations: bool = True
    min_support: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of a sentence's content words found in sources."
    )
    grounding_on_fail: OnFail = OnFail.DROP_SENTENCE
    leak_ngram: int = Field(8, ge=3, le=50, description="Shared word n-gram length = leak.")
    canary: str | None = Field(None, description="Per-release canary token put in prompts.")
    rules: tuple[BusinessRule, ...] = ()

    action_claims_on_fail: OnFail = Field(
        OnFail.DROP_SENTENCE, description='An action stated as done ("we have refunded").'
    )
    identifiers_on_fail: OnFail = Field(
        OnFail.DROP_SENTENCE,
        description="An e-mail, phone, reference id or greeted name not the customer's own.",
    )
    ai_directed_on_fail: OnFail = Field(
        OnFail.DROP_SENTENCE, description="Text addressed to an AI model (a planted instruction)."
    )
    ai_directed_threshold: float = Field(
        0.8, ge=0.0, le=1.0, description="Injection score that confirms a weak AI-directed cue."
    )
    urls_on_fail: OnFail = Field(
        OnFail.DROP_SENTENCE, description="A URL the cited passages do not contain."
    )
    contacts_on_fail: OnFail = Field(
        OnFail.DROP_SENTENCE, description="Contact details outside the tenant's allow-list."
    )

    @field_validator("pii_labels")
    @classmethod
    def _known_labels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - set(PII_LABELS))
        if unknown:
            raise ValueError(f"unknown PII labels {unknown}; choose from {list(PII_LABELS)}")
        return value

    @field_validator("allowed_languages")
    @classmethod
    def _lower_codes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(code.lower() for code in value)

    def to_config(self) -> dict[str, object]:
        """The JSON-ready dict stored in a release."""
        return self.model_dump(mode="json")
