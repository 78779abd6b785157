"""Grouping failed questions: the same question asked many ways counts once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from frontdesk.operations.questions import group_questions, words

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_rewordings_group_and_unrelated_questions_stay_apart() -> None:
    texts = [
        "Do you ship parcels to the moon?",
        "do you ship parcel to the Moon",
        "Hi! Do you ship parcels to the moon? Mail me at <EMAIL>",
        "Can I pay with bitcoin?",
        "Can I pay with bitcoin",
        "Where is my refund?",
    ]
    rows = [
        (t, "no_answer", "low_confidence", T0 + timedelta(minutes=i)) for i, t in enumerate(texts)
    ]
    groups = group_questions(rows, limit=10)
    assert [g["count"] for g in groups] == [3, 2, 1]
    assert groups[0]["reasons"] == {"low_confidence": 3}
    assert groups[0]["last_seen"] == (T0 + timedelta(minutes=2)).isoformat()
    assert group_questions(rows, limit=1)[0]["count"] == 3


def test_placeholders_and_stop_words_are_not_the_question() -> None:
    assert words("Can you mail <EMAIL> about my parcels?") == frozenset({"mail", "parcel"})
