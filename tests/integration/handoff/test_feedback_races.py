"""Two first ratings of the same answer (thumbs) or conversation (CSAT) sent at the same
moment count once: one row, once in the stats, once in /metrics' first ratings (the
other is a change). On PostgreSQL both transactions found no rating and both inserted
before the unique index ``uq_feedback_rating`` (migration 0021_priv25); on SQLite
writers queue, and the test pins that too."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontdesk.operations.summary import SummaryQuery
from frontdesk.runtime import Frontdesk
from frontdesk.storage.tables import FeedbackRow

ROUNDS = 4


def _race(*calls: Callable[[], object]) -> None:
    """Run ``calls`` in threads released together; re-raise what any of them raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]


def _metric(text: str, name: str) -> float:
    return sum(float(v) for v in re.findall(rf"^{name}\{{[^}}]*\}} (\S+)$", text, re.MULTILINE))


def test_two_first_ratings_at_once_count_once(
    client: TestClient, frontdesk: Frontdesk, acme
) -> None:
    widget = acme.auth("widget")
    answers = []  # (conversation, assistant turn): one question each, none escalated yet
    for number in range(ROUNDS):
        cid = client.post("/v1/conversations", headers=widget).json()["id"]
        reply = client.post(
            f"/v1/conversations/{cid}/messages",
            json={"text": f"question {number}?"},
            headers=widget,
        )
        assert reply.status_code == 201, reply.text
        answers.append((cid, reply.json()["id"]))
    rated = [client.post("/v1/conversations", headers=widget).json()["id"] for _ in range(ROUNDS)]
    book = frontdesk.handoff.feedback_book

    for cid, turn in answers:
        _race(
            lambda c=cid, t=turn: book.add_thumbs(acme.id, c, t, "up", ""),
            lambda c=cid, t=turn: book.add_thumbs(acme.id, c, t, "down", ""),
        )
    for conversation in rated:
        _race(
            lambda c=conversation: book.add_csat(acme.id, c, 2, ""),
            lambda c=conversation: book.add_csat(acme.id, c, 4, ""),
        )

    with frontdesk.database.transaction() as session:
        per_rating = session.execute(
            select(FeedbackRow.kind, func.count())
            .where(FeedbackRow.tenant_id == acme.id)
            .group_by(FeedbackRow.conversation_id, FeedbackRow.kind, FeedbackRow.turn_id)
        ).all()
    assert len(per_rating) == 2 * ROUNDS
    assert {count for _, count in per_rating} == {1}
    now = datetime.now(UTC)
    summary = frontdesk.stats.summary(
        SummaryQuery(acme.id, now - timedelta(hours=2), now + timedelta(hours=1))
    )
    assert summary["thumbs_up"] + summary["thumbs_down"] == ROUNDS
    assert summary["csat_count"] == ROUNDS
    assert summary["csat_mean"] in {2.0, 2.5, 3.0, 3.5, 4.0}  # each the one kept
    exposition = frontdesk.metrics.exposition().decode()
    assert _metric(exposition, "frontdesk_feedback_total") == 2 * ROUNDS
    assert _metric(exposition, "frontdesk_feedback_changes_total") == 2 * ROUNDS


def test_metrics_count_a_changed_rating_once_and_its_change_apart(client: TestClient, acme) -> None:
    widget = acme.auth("widget")
    cid = client.post("/v1/conversations", headers=widget).json()["id"]
    for score in (2, 5, 4):
        response = client.post(
            f"/v1/conversations/{cid}/csat", json={"score": score}, headers=widget
        )
        assert response.status_code == 201, response.text
    text = client.get("/metrics").text
    assert _metric(text, "frontdesk_feedback_total") == 1
    assert 'frontdesk_feedback_total{kind="csat",value="2"} 1.0' in text
    assert 'frontdesk_feedback_changes_total{after="5",before="2",kind="csat"} 1.0' in text
    assert 'frontdesk_feedback_changes_total{after="4",before="5",kind="csat"} 1.0' in text
