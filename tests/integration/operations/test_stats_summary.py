"""The summary API and ``frontdesk stats`` over real stored turns: counts, rates,
feedback, the grouped unanswered questions (redacted), roles, tenants and bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.operations.rollups import record_turn
from frontdesk.runtime import Frontdesk
from frontdesk.storage.ops_tables import StatsHourlyRow
from frontdesk.storage.repos import conversations as conversations_repo
from tests.conftest import TenantKeys

FAQ = "question,answer,url\nHow much does the Plus plan cost?,Plus costs 9.99 euros a month.,https://help.example.com/plus\n"
CONTRACT = {
    "turns",
    "answered_rate",
    "escalation_rate",
    "p95_ms",
    "mean_confidence",
    "safety_trigger_rate",
    "csat_mean",
    "tokens",
    "cost",
    "series",
    "top_unanswered",
}


@pytest.fixture
def faq(frontdesk: Frontdesk, acme, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [path])


def _say(client: TestClient, headers: dict[str, str], text: str) -> dict[str, object]:
    cid = client.post("/v1/conversations", headers=headers).json()["id"]
    response = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": text}, headers=headers
    )
    assert response.status_code == 201, response.text
    return {"conversation_id": cid, **response.json()}


def _range() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "from": (now - timedelta(hours=2)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
    }


def test_the_summary_counts_stored_turns_feedback_and_groups_unanswered_questions(
    client: TestClient, frontdesk: Frontdesk, acme, globex, faq: None
) -> None:
    widget = acme.auth("widget")
    answered = _say(client, widget, "How much does the Plus plan cost?")
    assert answered["outcome"] == "answered"
    _say(client, widget, "Do you ship parcels to the moon? Mail me at jane.doe@example.com")
    _say(client, widget, "do you ship parcel to the Moon")
    _say(client, widget, "Which football team won the league in 1970?")
    cid = str(answered["conversation_id"])
    other = str(_say(client, widget, "How much does the Plus plan cost?")["conversation_id"])
    thumbs = {"turn_id": answered["id"], "rating": "up"}
    assert client.post(f"/v1/conversations/{cid}/feedback", json=thumbs, headers=widget).is_success
    # A customer who changes their mind counts once, as their latest rating.
    changed = {"turn_id": answered["id"], "rating": "down"}
    first = client.post(f"/v1/conversations/{cid}/feedback", json=changed, headers=widget)
    again = client.post(f"/v1/conversations/{cid}/feedback", json=thumbs, headers=widget)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    for score in (1, 4):  # a second CSAT replaces the first
        csat = client.post(f"/v1/conversations/{cid}/csat", json={"score": score}, headers=widget)
        assert csat.status_code == 201, csat.text
    assert client.post(
        f"/v1/conversations/{other}/csat", json={"score": 5}, headers=widget
    ).is_success

    response = client.get("/v1/stats/summary", params=_range(), headers=acme.auth("agent"))
    assert response.status_code == 200, response.text
    summary = response.json()
    assert set(summary) >= CONTRACT
    assert summary["turns"] == 5
    assert summary["conversations"] == 5
    assert summary["answered_rate"] == 0.4
    assert summary["outcomes"]["answered"] == 2
    assert summary["p95_ms"] is not None
    assert summary["p95_ms"] > 0
    assert summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]
    assert 0 < summary["mean_confidence"] <= 1
    assert sum(summary["confidence_histogram"]) == 5
    assert summary["csat_mean"] == 4.5  # (4 + 5) / 2: the replaced 1 is not counted
    assert summary["thumbs_up"] == 1
    assert summary["thumbs_down"] == 0
    # Recomputed from the stored rows, the rollups agree: the replaced ratings are gone.
    now = datetime.now(UTC)
    frontdesk.stats.rebuild(acme.id, now - timedelta(hours=2), now + timedelta(hours=1))
    rebuilt = client.get("/v1/stats/summary", params=_range(), headers=acme.auth("agent"))
    assert (rebuilt.json()["csat_mean"], rebuilt.json()["thumbs_up"]) == (4.5, 1)
    feedback = client.get("/v1/feedback", headers=acme.auth("agent")).json()
    assert sorted((f["kind"], f["value"]) for f in feedback) == [
        ("csat", 4),
        ("csat", 5),
        ("thumbs", 1),
    ]
    assert summary["tokens"] == 0
    assert summary["cost"] == 0.0
    assert set(summary["stage_mean_ms"]) >= {"input_guard", "retrieve", "decide"}
    # The two parcel questions are one group; the e-mail address was never stored.
    top = summary["top_unanswered"]
    assert top[0]["count"] == 2
    assert "ship parcel" in top[0]["question"].lower()
    assert [group["count"] for group in top] == [2, 1]
    assert "jane.doe@example.com" not in json.dumps(summary)
    assert sum(point["turns"] for point in summary["series"]) == 5
    assert summary["bucket"] == "hour"
    assert len(summary["series"]) in (3, 4)
    assert [r["release"] for r in summary["releases"]] == [frontdesk.pipeline.release_id]

    by_release = client.get(
        "/v1/stats/summary", params={**_range(), "release": "other"}, headers=acme.auth("admin")
    ).json()
    assert by_release["turns"] == 0
    assert by_release["top_unanswered"] == []
    other = client.get("/v1/stats/summary", params=_range(), headers=globex.auth("admin")).json()
    assert other["turns"] == 0
    assert other["top_unanswered"] == []
    assert other["p95_ms"] is None
    assert other["mean_confidence"] is None


def test_handoffs_asked_for_with_the_button_are_listed_as_the_rate_counts_them(
    client: TestClient, acme: TenantKeys, faq: None
) -> None:
    """ "Talk to a person" answers no question, yet the escalation rate counts it: the
    handed-over list shows it too, by its reason, so the two agree."""
    widget = acme.auth("widget")
    for _ in range(2):
        asked = _say(client, widget, "How much does the Plus plan cost?")
        pressed = client.post(
            f"/v1/conversations/{asked['conversation_id']}/handoff", headers=widget
        )
        assert pressed.status_code == 201, pressed.text
    summary = client.get("/v1/stats/summary", params=_range(), headers=acme.auth("agent")).json()
    assert summary["outcomes"]["handoff"] == 2
    assert summary["escalation_rate"] == 0.5  # 2 of 4 turns
    [group] = summary["top_escalated"]
    assert group["question"] is None
    assert group["examples"] == []
    assert (group["count"], group["reasons"]) == (2, {"requested_human": 2})
    assert summary["top_unanswered"] == []


def test_the_summary_refuses_widgets_and_bad_ranges(client: TestClient, acme) -> None:
    url = "/v1/stats/summary"
    assert client.get(url, params=_range(), headers=acme.auth("widget")).status_code == 403
    assert client.get(url, params=_range()).status_code == 401
    now = datetime.now(UTC)
    backwards = {"from": now.isoformat(), "to": (now - timedelta(days=1)).isoformat()}
    response = client.get(url, params=backwards, headers=acme.auth("agent"))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "to"
    naive = {"from": "2026-12-01T00:00:00", "to": "2026-12-02T00:00:00"}
    response = client.get(url, params=naive, headers=acme.auth("agent"))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "from"
    too_long = {"from": "2026-01-01T00:00:00Z", "to": "2026-12-01T00:00:00Z", "bucket": "hour"}
    response = client.get(url, params=too_long, headers=acme.auth("agent"))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "bucket"
    bad = client.get(url, params={"from": "yesterday", "to": "now"}, headers=acme.auth("agent"))
    assert bad.status_code == 422
    daily = client.get(
        url,
        params={"from": "2026-01-01T00:00:00Z", "to": "2026-01-15T00:00:00Z"},
        headers=acme.auth("agent"),
    ).json()
    assert daily["bucket"] == "day"
    assert len(daily["series"]) == 14
    weekly = client.get(
        url,
        params={"from": "2026-01-01T00:00:00Z", "to": "2026-01-15T00:00:00Z", "bucket": "week"},
        headers=acme.auth("agent"),
    ).json()
    assert len(weekly["series"]) == 2


def test_the_rebuild_recomputes_the_same_rollups_and_is_idempotent(
    client: TestClient, frontdesk: Frontdesk, acme, faq: None
) -> None:
    widget = acme.auth("widget")
    answered = _say(client, widget, "How much does the Plus plan cost?")
    _say(client, widget, "Where is my parcel?")
    cid = str(answered["conversation_id"])
    client.post(f"/v1/conversations/{cid}/csat", json={"score": 5}, headers=widget)

    def rows() -> set[tuple[str, str, int, float]]:
        with frontdesk.database.transaction() as session:
            return {
                (r.release_id, r.name, r.count, round(r.total, 6))
                for r in session.scalars(select(StatsHourlyRow))
            }

    live = rows()
    now = datetime.now(UTC)
    for _ in range(2):
        counted = frontdesk.stats.rebuild(
            acme.id, now - timedelta(days=1), now + timedelta(hours=1)
        )
        assert counted == 2
        assert rows() == live
    with frontdesk.database.transaction() as session:
        session.query(StatsHourlyRow).delete()
    frontdesk.stats.rebuild(acme.id, now - timedelta(days=1), now + timedelta(hours=1))
    assert rows() == live


def test_rollups_equal_a_recount_of_the_stored_turns(
    client: TestClient, frontdesk: Frontdesk, acme, faq: None
) -> None:
    """Replaying every stored assistant turn into empty rollups gives the same rows."""
    widget = acme.auth("widget")
    for text in ("How much does the Plus plan cost?", "Where is my parcel?", "hi"):
        _say(client, widget, text)
    with frontdesk.database.transaction() as session:
        live = {
            (r.name, r.count, round(r.total, 6)) for r in session.scalars(select(StatsHourlyRow))
        }
        turns = [
            conversations_repo.find_turn(session, acme.id, turn.id)
            for conversation in conversations_repo.list_recent(session, acme.id, 50, 0)
            for turn in conversations_repo.get(session, acme.id, conversation.id).turns
            if turn.speaker.value == "assistant"
        ]
        session.query(StatsHourlyRow).delete()
        for turn in turns:
            record_turn(session, acme.id, turn)
        rebuilt = {
            (r.name, r.count, round(r.total, 6)) for r in session.scalars(select(StatsHourlyRow))
        }
    assert live == rebuilt
    assert ("turns", 3, 0.0) in live


def test_the_stats_command_prints_the_same_summary(
    client: TestClient, settings, acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    _say(client, acme.auth("widget"), "Do you ship parcels to the moon?")
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "test-secret-0123456789abcdef")
    runner = CliRunner()
    result = runner.invoke(app, ["stats", "--tenant", "acme", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(summary) >= CONTRACT
    assert summary["turns"] == 1
    assert summary["top_unanswered"][0]["count"] == 1
    api = client.get(
        "/v1/stats/summary",
        params={"from": summary["from"], "to": summary["to"]},
        headers=acme.auth("agent"),
    ).json()
    assert api == summary
    bad = runner.invoke(app, ["stats", "--tenant", "acme", "--from", "soon"])
    assert bad.exit_code != 0
    assert "ISO 8601" in str(bad.exception)
    missing = runner.invoke(app, ["stats", "--tenant", "nobody", "--json"])
    assert missing.exit_code != 0


def test_whole_days_read_the_daily_rollups_and_agree_with_the_hourly_ones(
    client: TestClient, frontdesk: Frontdesk, acme
) -> None:
    from frontdesk.operations.rollups import latency_bucket
    from frontdesk.storage.repos import stats as stats_repo

    day0 = datetime(2026, 11, 1, tzinfo=UTC)
    with frontdesk.database.transaction() as session:
        for hour in range(0, 72, 5):
            latency = 100.0 + 40 * hour
            stats_repo.add(
                session,
                acme.id,
                "r1" if hour < 36 else "r2",
                day0 + timedelta(hours=hour, minutes=7),
                {
                    "turns": (10, 0.0),
                    "outcome:answered": (hour % 10, 0.0),
                    "confidence": (10, 10 * (0.5 + hour / 200)),
                    f"latency:{latency_bucket(latency):03d}": (10, 10 * latency),
                },
            )

    def summary(start: datetime, end: datetime, bucket: str) -> dict[str, object]:
        params = {"from": start.isoformat(), "to": end.isoformat(), "bucket": bucket}
        response = client.get("/v1/stats/summary", params=params, headers=acme.auth("agent"))
        assert response.status_code == 200, response.text
        return dict(response.json())

    daily = summary(day0, day0 + timedelta(days=3), "day")
    hourly = summary(day0, day0 + timedelta(days=3), "hour")
    # The same range starting at 00:30 rounds to the same hours but is not whole days.
    ragged = summary(day0 + timedelta(minutes=30), day0 + timedelta(days=3), "day")
    for key in ("turns", "answered_rate", "p95_ms", "mean_confidence", "releases"):
        assert daily[key] == hourly[key] == ragged[key], key
    assert daily["turns"] == 150
    assert [p["turns"] for p in daily["series"]] == [p["turns"] for p in ragged["series"]]
    assert [p["turns"] for p in daily["series"]] == [50, 50, 50]
