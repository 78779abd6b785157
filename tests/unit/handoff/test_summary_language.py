"""The extractive handoff summary tells the agent which language the customer writes."""

from __future__ import annotations

from datetime import UTC, datetime

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.handoff.summaries import summarize


def _turn(seq: int, speaker: Speaker, text: str, **details: object) -> Turn:
    outcome = Outcome.NO_ANSWER if speaker is Speaker.ASSISTANT else None
    return Turn(
        id=f"t{seq}",
        conversation_id="c",
        seq=seq,
        speaker=speaker,
        text=text,
        created_at=datetime.now(UTC),
        outcome=outcome,
        details=dict(details),
    )


def test_a_non_english_customer_is_named_first() -> None:
    turns = [
        _turn(1, Speaker.CUSTOMER, "Wo ist mein Paket?", language="de"),
        _turn(2, Speaker.ASSISTANT, "…"),
    ]
    summary = summarize(turns, "low_confidence")
    assert summary.startswith("Customer writes in German. Customer asked: Wo ist mein Paket?")


def test_english_customers_get_the_summary_they_always_got() -> None:
    turns = [_turn(1, Speaker.CUSTOMER, "Where is my parcel?", language="en")]
    assert summarize(turns, "low_confidence").startswith("Customer asked: Where is my parcel?")
