"""Guards on what comes in (PII, injection, abuse, language) and what goes out
(citations, grounding, instruction leaks, business rules).

    guards = InputGuards(GuardPolicy(pii_ner=True))
    guards.warm_up()
    result = guards.check("I'm Ann Lee, card 4111 1111 1111 1111")
    result.redacted_text   # "I'm <PERSON>, card <CREDIT_CARD>"
    result.to_dict()       # recorded on the turn's trace
"""

from frontdesk.guards.crypto import TextVault
from frontdesk.guards.input_guard import InputGuards
from frontdesk.guards.output.guard import OutputGuards
from frontdesk.guards.pii.redactor import PiiRedactor
from frontdesk.guards.policy import BusinessRule, GuardPolicy, InjectionAction, OnFail
from frontdesk.guards.types import (
    AbuseResult,
    CitedPassage,
    Finding,
    GuardAction,
    InjectionResult,
    InputGuard,
    InputGuardResult,
    LanguageResult,
    OutputCheckInput,
    OutputGuard,
    OutputGuardResult,
    PiiSpan,
    RedactionResult,
)

__all__ = [
    "AbuseResult",
    "BusinessRule",
    "CitedPassage",
    "Finding",
    "GuardAction",
    "GuardPolicy",
    "InjectionAction",
    "InjectionResult",
    "InputGuard",
    "InputGuardResult",
    "InputGuards",
    "LanguageResult",
    "OnFail",
    "OutputCheckInput",
    "OutputGuard",
    "OutputGuardResult",
    "OutputGuards",
    "PiiRedactor",
    "PiiSpan",
    "RedactionResult",
    "TextVault",
]
