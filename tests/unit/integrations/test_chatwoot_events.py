"""What each Chatwoot event means for the bot, what is posted back, and how long a
failed delivery waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.integrations.chatwoot.delivery import retry_delay
from frontdesk.integrations.chatwoot.events import ChatwootEvent, Meaning, classify
from frontdesk.integrations.chatwoot.replies import actions_for, with_sources
from frontdesk.testing.chatwoot import message_event


def _meaning(payload: dict) -> tuple[Meaning, str]:
    found = classify(ChatwootEvent.model_validate(payload))
    return found.meaning, found.reason


def test_a_customers_public_message_is_answered() -> None:
    found = classify(ChatwootEvent.model_validate(message_event(1, 41, "hello")))
    assert found.meaning is Meaning.CUSTOMER
    assert found.conversation_id == 41
    assert found.status == "pending"


@pytest.mark.parametrize(
    ("changes", "meaning"),
    [
        ({"message_type": 0}, Meaning.CUSTOMER),  # numeric message types too
        ({"message_type": "outgoing", "sender": {"id": 7, "type": "user"}}, Meaning.AGENT),
        ({"message_type": 1, "sender": {"id": 7, "type": "user"}}, Meaning.AGENT),
        ({"message_type": "outgoing", "sender": {"id": 2, "type": "agent_bot"}}, Meaning.IGNORED),
        ({"message_type": "outgoing", "sender": None}, Meaning.IGNORED),
        ({"private": True}, Meaning.IGNORED),
        ({"message_type": "activity"}, Meaning.IGNORED),
        ({"message_type": "template"}, Meaning.IGNORED),
        ({"content": "   "}, Meaning.IGNORED),  # an attachment without text
        ({"event": "message_updated"}, Meaning.IGNORED),
        ({"conversation": None}, Meaning.IGNORED),
    ],
)
def test_what_a_message_event_means(changes: dict, meaning: Meaning) -> None:
    assert _meaning({**message_event(1, 41, "hello"), **changes})[0] is meaning


def test_status_events_name_the_conversation_and_its_status() -> None:
    changed = classify(
        ChatwootEvent.model_validate(
            {"event": "conversation_status_changed", "id": 41, "status": "open"}
        )
    )
    assert (changed.meaning, changed.conversation_id, changed.status) == (
        Meaning.STATUS,
        41,
        "open",
    )
    resolved = classify(ChatwootEvent.model_validate({"event": "conversation_resolved", "id": 9}))
    assert resolved.status == "resolved"
    updated = {"event": "conversation_updated", "id": 9, "status": "pending"}
    assert _meaning(updated)[0] is Meaning.IGNORED  # not a status change as such


def _turn(outcome: Outcome, citations: list[dict]) -> Turn:
    return Turn(
        id="t1",
        conversation_id="c1",
        seq=2,
        speaker=Speaker.ASSISTANT,
        text="Plus costs 9.99 euros a month [1].",
        created_at=datetime(2026, 12, 6, tzinfo=UTC),
        outcome=outcome,
        citations=citations,
        details={"escalation_reason": "low_confidence"},
    )


def test_sources_become_numbered_markdown_links() -> None:
    turn = _turn(
        Outcome.ANSWERED,
        [
            {"number": 1, "title": "Plans [2026]", "url": "https://help.example.com/plus"},
            {"number": 2, "title": "Billing", "url": None},
        ],
    )
    assert with_sources(turn) == (
        "Plus costs 9.99 euros a month [1].\n\nSources:\n"
        "1. [Plans (2026)](https://help.example.com/plus)\n2. Billing"
    )
    [action] = actions_for(41, turn, None)
    assert action["path"] == "/conversations/41/messages"


def test_a_handoff_is_a_reply_a_private_note_and_the_status_open() -> None:
    reply, note, status = actions_for(41, _turn(Outcome.HANDOFF, []), None)
    assert reply["body"]["private"] is False
    assert note["body"]["private"] is True
    assert "Reason: low_confidence" in note["body"]["content"]
    assert status == {"path": "/conversations/41/toggle_status", "body": {"status": "open"}}


def test_retries_back_off_and_a_refused_token_waits_longer() -> None:
    assert [retry_delay(n, "unreachable").total_seconds() for n in (1, 2, 3, 20)] == [
        10,
        20,
        40,
        3600,
    ]
    assert retry_delay(1, "unauthorized") == timedelta(minutes=5)
    assert retry_delay(20, "unauthorized") == timedelta(hours=1)
