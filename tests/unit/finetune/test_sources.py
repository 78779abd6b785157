"""Which customer messages and agent replies a resolved handoff contributes."""

from __future__ import annotations

from datetime import UTC, datetime

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.finetune.sources import handoff_pair
from frontdesk.storage.repos.finetune import ResolvedHandoff

WHEN = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _turns(*spoken: tuple[Speaker, str, Outcome | None]) -> tuple[Turn, ...]:
    return tuple(
        Turn(f"t{seq}", "c1", seq, speaker, text, WHEN, outcome)
        for seq, (speaker, text, outcome) in enumerate(spoken, start=1)
    )


C, A, G = Speaker.CUSTOMER, Speaker.ASSISTANT, Speaker.AGENT


def test_the_question_is_what_the_customer_asked_since_their_last_answer() -> None:
    turns = _turns(
        (C, "hello", None),
        (A, "Hi! How can I help?", Outcome.ANSWERED),
        (C, "my parcel is lost", None),
        (A, "Which parcel do you mean?", Outcome.CLARIFY),
        (C, "the one to Berlin", None),
        (A, "I'm passing you to a colleague.", Outcome.HANDOFF),
        (G, "Found it: it arrives tomorrow.", None),
        (G, "Sorry for the wait.", None),
        (C, "thanks", None),
        (G, "You're welcome.", None),
    )
    pair = handoff_pair(ResolvedHandoff("T1", 6, turns))
    assert pair is not None
    assert pair.source == "handoff:T1"
    assert pair.question == "my parcel is lost\nthe one to Berlin"
    assert pair.answer == "Found it: it arrives tomorrow.\n\nSorry for the wait."


def test_a_later_ticket_starts_after_the_earlier_agent_reply() -> None:
    turns = _turns(
        (C, "first question", None),
        (G, "first reply", None),
        (C, "second question", None),
        (G, "second reply", None),
    )
    pair = handoff_pair(ResolvedHandoff("T2", 3, turns))
    assert pair is not None
    assert (pair.question, pair.answer) == ("second question", "second reply")


def test_a_ticket_no_agent_answered_gives_nothing() -> None:
    turns = _turns((C, "anyone?", None), (A, "Passing you on.", Outcome.HANDOFF))
    assert handoff_pair(ResolvedHandoff("T3", 1, turns)) is None
