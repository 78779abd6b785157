"""What the pipeline recorded on a reply says whether the message was a question for the
knowledge: small talk, out of scope, injections and abuse are not."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.handoff.scope import not_a_question


@pytest.mark.parametrize(
    ("details", "outcome", "why"),
    [
        ({"route": "smalltalk", "smalltalk": "greeting"}, "answered", "smalltalk"),
        (
            {"route": "answer", "intent": "out_of_scope", "out_of_scope": True},
            "no_answer",
            "out_of_scope",
        ),
        ({"route": "answer", "flags": ["intent:out_of_scope"]}, "no_answer", "out_of_scope"),
        ({"flags": ["input_guard:injection", "decide:low_confidence"]}, "no_answer", "injection"),
        ({"flags": ["input_guard:abuse"]}, "handoff", "abuse"),
        (
            {"flags": ["input_guard:injection"], "escalation_reason": "safety"},
            "refused",
            "injection",
        ),
        ({"escalation_reason": "safety"}, "refused", "refused"),
        ({"route": "canned", "intent": "weather"}, "answered", "canned"),
    ],
)
def test_replies_that_were_no_question(details: dict[str, Any], outcome: str, why: str) -> None:
    assert not_a_question(details, outcome) == why


@pytest.mark.parametrize(
    "details",
    [
        {"route": "answer", "intent": "shipping", "flags": ["input_guard:pii_redacted"]},
        {"route": "answer", "flags": ["intent:no_model", "decide:low_confidence"]},
        {},
    ],
)
def test_questions_stay(details: dict[str, Any]) -> None:
    assert not_a_question(details, "no_answer") is None
