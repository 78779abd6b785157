"""The summary read from monthly and daily rollups (and each series point's p95 found in
SQL) equals the summary read from hourly rows only, and equals a plain Python recount of
the hourly rows (the way the summary was computed before the coarser rollups), for
aligned and ragged ranges, every bucket and a release filter; a rebuild and a retention
sweep keep it so. Over 14 months of stored turns written through ``record_turn``, on
SQLite and PostgreSQL."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.domain.handoff import Feedback
from frontdesk.operations.rollups import record_feedback, record_turn
from frontdesk.operations.summary import (
    _SERIES_NAMES,
    Bucket,
    SummaryQuery,
    details,
    headline,
    percentile_ms,
)
from frontdesk.runtime import Frontdesk
from frontdesk.storage.ops_tables import StatsDailyRow, StatsHourlyRow, StatsMonthlyRow
from frontdesk.storage.repos.stats import Counter
from frontdesk.storage.repos.stats_periods import pieces
from frontdesk.storage.tables import ConversationRow, FeedbackRow, TurnRow

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
FIRST = datetime(2025, 9, 10, 7, 0, tzinfo=UTC)
SWITCH = datetime(2026, 5, 17, 13, 0, tzinfo=UTC)
STAGES = ("input_guard", "retrieve", "generate", "decide")
OUTCOMES = [Outcome.ANSWERED, Outcome.NO_ANSWER, Outcome.HANDOFF, Outcome.REFUSED]


def _store(frontdesk: Frontdesk, tenant_id: str, turns: int, seed: int = 19) -> None:
    """``turns`` customer questions and assistant replies at random moments from FIRST to
    NOW (release r1, then r2), stored as rows and added to the rollups by ``record_turn``
    (and feedback by ``record_feedback``), as the conversation service does."""
    rng = random.Random(seed)
    span = (NOW - FIRST).total_seconds()
    with frontdesk.database.transaction() as session:
        for i in range(turns):
            moment = FIRST + timedelta(seconds=rng.random() * span)
            cid = f"conv{i:05d}"
            session.add(
                ConversationRow(
                    id=cid,
                    tenant_id=tenant_id,
                    status="bot",
                    channel="api",
                    metadata_={},
                    created_at=moment,
                    updated_at=moment,
                )
            )
            outcome = rng.choices(OUTCOMES, [0.7, 0.15, 0.12, 0.03])[0]
            # Whole milliseconds and confidences in 1/1024ths: every sum is exact in any
            # order, so rows summed per month, day or hour agree to the last bit (with
            # arbitrary floats, a mean can differ in its last rounded digit, as daily
            # and hourly sums always could).
            latency = float(round(rng.lognormvariate(math.log(300), 0.8)))
            flags = ["injection_suspected"] if rng.random() < 0.05 else []
            trace: list[dict[str, Any]] = [
                {
                    "name": stage,
                    "duration_ms": latency / len(STAGES),
                    "flags": flags if stage == "input_guard" else [],
                    "scores": {"prompt_tokens": 120, "completion_tokens": 30, "cost": 2.0**-12}
                    if stage == "generate" and rng.random() < 0.3
                    else {},
                }
                for stage in STAGES
            ]
            question = f"q{i:05d}"
            session.add(
                TurnRow(
                    id=question,
                    tenant_id=tenant_id,
                    conversation_id=cid,
                    seq=1,
                    speaker="customer",
                    text=f"where is my parcel number {i % 7}?",
                    status="answered",
                    trace=[],
                    citations=[],
                    details={},
                    created_at=moment,
                )
            )
            turn = Turn(
                id=f"a{i:05d}",
                conversation_id=cid,
                seq=2,
                speaker=Speaker.ASSISTANT,
                text="(answer)",
                created_at=moment,
                outcome=outcome,
                in_reply_to=question,
                release_id="r1" if moment < SWITCH else "r2",
                trace=trace,
                details={
                    "confidence": rng.randrange(1025) / 1024,
                    "escalation_reason": "low_confidence" if outcome is Outcome.HANDOFF else None,
                },
            )
            session.add(
                TurnRow(
                    id=turn.id,
                    tenant_id=tenant_id,
                    conversation_id=cid,
                    seq=2,
                    speaker="assistant",
                    text=turn.text,
                    status="done",
                    outcome=outcome.value,
                    in_reply_to=question,
                    release_id=turn.release_id,
                    trace=trace,
                    citations=[],
                    details=turn.details,
                    created_at=moment,
                )
            )
            record_turn(session, tenant_id, turn)
            if rng.random() < 0.2:
                kind = rng.choice(["thumbs", "csat"])
                value = rng.choice([1, -1]) if kind == "thumbs" else rng.randint(1, 5)
                feedback = Feedback(
                    id=f"f{i:05d}",
                    conversation_id=cid,
                    turn_id=turn.id,
                    kind=kind,
                    value=value,
                    comment="",
                    release_id=turn.release_id,
                    created_at=moment + timedelta(minutes=2),
                )
                session.flush()
                session.add(
                    FeedbackRow(
                        id=feedback.id,
                        tenant_id=tenant_id,
                        conversation_id=cid,
                        turn_id=turn.id,
                        kind=kind,
                        value=value,
                        comment="",
                        release_id=turn.release_id,
                        created_at=feedback.created_at,
                    )
                )
                record_feedback(session, tenant_id, feedback)


def _hourly_rows(
    frontdesk: Frontdesk, tenant_id: str, release: str | None
) -> list[tuple[datetime, str, int, float]]:
    with frontdesk.database.transaction() as session:
        query = select(
            StatsHourlyRow.hour, StatsHourlyRow.name, StatsHourlyRow.count, StatsHourlyRow.total
        ).where(StatsHourlyRow.tenant_id == tenant_id)
        if release is not None:
            query = query.where(StatsHourlyRow.release_id == release)
        return [(h, n, c, t) for h, n, c, t in session.execute(query)]


def _merge(into: dict[str, Counter], name: str, count: int, total: float) -> None:
    old = into.get(name, Counter(0, 0.0))
    into[name] = Counter(old.count + count, old.total + total)


def _recount(rows: list[tuple[datetime, str, int, float]], q: SummaryQuery) -> dict[str, Any]:
    """The summary's rollup fields recomputed in Python from hourly rows: every counter
    summed, each series bucket merged, percentiles by ``percentile_ms``."""
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}
    first = q.start if q.bucket == "hour" else q.start.replace(hour=0)
    assert q.bucket is not None
    totals: dict[str, Counter] = {}
    buckets: dict[int, dict[str, Counter]] = {}
    for hour, name, count, total in rows:
        if not q.start <= hour < q.end:
            continue
        _merge(totals, name, count, total)
        if name in _SERIES_NAMES or name.startswith("latency:"):
            index = (hour - first) // step[q.bucket]
            _merge(buckets.setdefault(index, {}), name, count, total)
    points, moment, index = [], first, 0
    while moment < q.end:
        merged = buckets.get(index, {})
        points.append(
            {"start": moment.isoformat(), **headline(merged, percentile_ms(merged, 0.95))}
        )
        moment += step[q.bucket]
        index += 1
    return {**headline(totals, percentile_ms(totals, 0.95)), **details(totals), "series": points}


def _differences(a: dict[str, Any], b: dict[str, Any]) -> list[object]:
    """What differs, down to the series points (for the failure message)."""
    out: list[object] = [(k, a.get(k), b.get(k)) for k in a if k != "series" and a[k] != b.get(k)]
    pairs = zip(a.get("series", []), b.get("series", []), strict=False)
    out += [(x["start"], k, x[k], y.get(k)) for x, y in pairs for k in x if x[k] != y.get(k)]
    return out[:6]


QUERIES: list[tuple[datetime, datetime, Bucket, str | None]] = [
    # a year of whole days, by day: whole months, days on either side
    (datetime(2025, 11, 20, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC), "day", None),
    # everything, ragged at both ends, by week, then one release
    (FIRST - timedelta(hours=5), NOW + timedelta(minutes=30), "week", None),
    (datetime(2025, 10, 3, 5, tzinfo=UTC), datetime(2026, 8, 9, 21, tzinfo=UTC), "day", "r2"),
    (datetime(2025, 10, 3, 5, tzinfo=UTC), datetime(2026, 8, 9, 21, tzinfo=UTC), "week", "r1"),
    # across the release switch, by hour, within one month and across a month's end
    (datetime(2026, 5, 10, 9, tzinfo=UTC), datetime(2026, 5, 24, 3, tzinfo=UTC), "hour", None),
    (datetime(2026, 1, 29, 22, tzinfo=UTC), datetime(2026, 2, 3, 1, tzinfo=UTC), "hour", None),
    # a few days by week: one bucket
    (datetime(2026, 5, 10, 9, tzinfo=UTC), datetime(2026, 5, 14, 3, tzinfo=UTC), "week", None),
    # exactly whole months
    (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), "day", None),
]


def test_coarse_rollups_give_the_same_summary_as_hourly_rows_and_a_python_recount(
    frontdesk: Frontdesk, acme
) -> None:
    _store(frontdesk, acme.id, 1500)
    with frontdesk.database.transaction() as session:
        monthly = session.scalar(
            select(StatsMonthlyRow.count)
            .where(StatsMonthlyRow.tenant_id == acme.id, StatsMonthlyRow.name == "turns")
            .limit(1)
        )
    assert monthly  # the write path fills the monthly rows too
    rows = {release: _hourly_rows(frontdesk, acme.id, release) for release in (None, "r1", "r2")}
    for start, end, bucket, release in QUERIES:
        query = SummaryQuery(acme.id, start, end, release, bucket)
        coarse = frontdesk.stats.summary(query)
        hourly = frontdesk.stats.summary(query, coarsest="hour")
        assert coarse == hourly, (start, end, bucket, release, _differences(coarse, hourly))
        assert coarse["turns"] > 0
        recount = _recount(rows[release], query.normalised())
        got = {key: coarse[key] for key in recount}
        assert got == recount, (start, end, bucket, release, _differences(got, recount))
    ragged_year = pieces(QUERIES[1][0].replace(minute=0), NOW)
    assert [p.grain for p in ragged_year] == ["hour", "day", "month", "day", "hour"]


def test_a_rebuild_and_a_retention_sweep_keep_the_coarse_rollups_right(
    frontdesk: Frontdesk, client, acme
) -> None:
    _store(frontdesk, acme.id, 600, seed=5)
    year = SummaryQuery(acme.id, FIRST, NOW, None, "week")
    before = frontdesk.stats.summary(year)

    # Recount some whole days in the middle of a month from the stored turns.
    counted = frontdesk.stats.rebuild(
        acme.id, datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 3, 20, tzinfo=UTC)
    )
    assert counted > 0
    assert frontdesk.stats.summary(year) == before
    march, april = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    with frontdesk.database.transaction() as session:
        daily = session.scalars(
            select(StatsDailyRow.count).where(
                StatsDailyRow.tenant_id == acme.id,
                StatsDailyRow.name == "turns",
                StatsDailyRow.day >= march,
                StatsDailyRow.day < april,
            )
        )
        monthly = session.scalars(
            select(StatsMonthlyRow.count).where(
                StatsMonthlyRow.tenant_id == acme.id,
                StatsMonthlyRow.name == "turns",
                StatsMonthlyRow.month == march,
            )
        )
        assert sum(monthly) == sum(daily) > 0

    # Conversations older than 30 days are erased; the counters stay.
    response = client.patch(
        "/v1/tenant/settings", json={"retention_days": 30}, headers=acme.auth("admin")
    )
    assert response.status_code == 200, response.text
    receipt = frontdesk.privacy.apply_retention(acme.id)
    assert receipt is not None
    assert receipt["removed"]["conversations"] > 500
    after = frontdesk.stats.summary(year)
    kept = {
        key: value for key, value in after.items() if key not in ("top_unanswered", "top_escalated")
    }
    assert kept == {key: before[key] for key in kept}
    assert after["top_unanswered"] != before["top_unanswered"]
