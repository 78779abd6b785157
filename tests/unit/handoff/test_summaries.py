from datetime import UTC, datetime

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.handoff.summaries import summarize

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def _turn(seq: int, speaker: Speaker, text: str, **kw: object) -> Turn:
    return Turn(
        id=f"t{seq}", conversation_id="c", seq=seq, speaker=speaker, text=text, created_at=NOW, **kw
    )


def test_the_summary_starts_with_the_question_not_the_greeting() -> None:
    turns = [
        _turn(1, Speaker.CUSTOMER, "hi there"),
        _turn(
            2,
            Speaker.ASSISTANT,
            "Hello!",
            outcome=Outcome.ANSWERED,
            in_reply_to="t1",
            details={"route": "smalltalk"},
        ),
        _turn(3, Speaker.CUSTOMER, "where is my parcel 123?"),
        _turn(4, Speaker.ASSISTANT, "…", outcome=Outcome.NO_ANSWER, in_reply_to="t3"),
        _turn(5, Speaker.CUSTOMER, "it was due on monday"),
    ]
    summary = summarize(turns, "repeated_failure")
    assert summary.startswith("Customer asked: where is my parcel 123?")
    assert "Latest message: it was due on monday" in summary
    assert "hi there" not in summary
    assert "(0 answered, 1 unanswered before)" in summary


def test_only_small_talk_is_still_summarised() -> None:
    turns = [
        _turn(1, Speaker.CUSTOMER, "hello"),
        _turn(
            2,
            Speaker.ASSISTANT,
            "Hello!",
            outcome=Outcome.ANSWERED,
            in_reply_to="t1",
            details={"route": "smalltalk"},
        ),
    ]
    assert summarize(turns, "customer_request").startswith("Customer asked: hello")


def test_a_message_without_a_full_stop_does_not_run_into_the_next_part() -> None:
    turns = [
        _turn(1, Speaker.CUSTOMER, "How do I track my parcel?"),
        _turn(2, Speaker.ASSISTANT, "…", outcome=Outcome.ANSWERED, in_reply_to="t1"),
        _turn(3, Speaker.CUSTOMER, "I want to talk to a person"),
    ]
    summary = summarize(turns, "requested_human")
    assert "Latest message: I want to talk to a person. Handed over: requested human" in summary
    assert summary.startswith("Customer asked: How do I track my parcel? Latest")
