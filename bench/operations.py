"""Summary latency over a year of a busy tenant: synthetic turns in SQLite or PostgreSQL.

Generates ``--turns`` assistant turns spread over ``--days`` (a release switch half way,
realistic outcome mix, lognormal latencies), writes their hourly rollups exactly as
``frontdesk.operations.rollups`` does for live turns (same counter names, via
``turn_increments``), stores the assistant turns and the customer turns of the failed
ones (what the top-unanswered list reads), then times ``StatsReader.summary`` for a day,
a week, a month and the whole range.

    .venv/bin/python bench/operations.py --turns 1000000 --backend sqlite
    .venv/bin/python bench/operations.py --turns 1000000 --backend postgres

``--sql`` loads in a way that reaches 10 million turns on a small machine: the rollups
are drawn a day at a time with numpy from the same distributions and counted under the
names ``turn_increments`` writes (``vector_rollups``), and the turn rows are written by
set-based SQL
(``generate_series`` in PostgreSQL, a recursive CTE in SQLite) with the same outcome mix,
release switch and question texts, but without per-turn traces (only the
top-unanswered list reads turn rows).

    .venv/bin/python bench/operations.py --sql --turns 10000000 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, insert, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from frontdesk import Frontdesk, Settings  # noqa: E402
from frontdesk.domain.conversation import Outcome, Speaker, Turn  # noqa: E402
from frontdesk.operations.rollups import LATENCY_RATIO, turn_increments  # noqa: E402
from frontdesk.operations.summary import StatsReader, SummaryQuery  # noqa: E402
from frontdesk.storage.ops_tables import (  # noqa: E402
    AlertRuleRow,
    StatsDailyRow,
    StatsHourlyRow,
    StatsMonthlyRow,
)
from frontdesk.storage.repos import stats as stats_repo  # noqa: E402
from frontdesk.storage.repos.stats_periods import month_of  # noqa: E402
from frontdesk.storage.tables import ConversationRow, TurnRow  # noqa: E402
from frontdesk.testing.http import serve as serve_http  # noqa: E402
from frontdesk.testing.webhooks import WebhookReceiver  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "operations.json"
END = datetime(2026, 12, 1, tzinfo=UTC)
OUTCOMES = (
    (Outcome.ANSWERED, 0.72),
    (Outcome.NO_ANSWER, 0.15),
    (Outcome.HANDOFF, 0.10),
    (Outcome.CLARIFY, 0.027),
    (Outcome.REFUSED, 0.003),
)
STAGES = ("input_guard", "intent", "retrieve", "generate", "output_guard", "decide")
TOPICS = [
    f"{a} {b}"
    for a in (
        "refund",
        "invoice",
        "parcel",
        "label",
        "pickup",
        "account",
        "password",
        "customs",
        "insurance",
        "locker",
    )
    for b in (
        "delay",
        "cost",
        "change",
        "cancel",
        "lost",
        "damaged",
        "address",
        "tracking",
        "abroad",
        "weekend",
    )
]
PHRASES = (
    "How do I {t}?",
    "what about {t} for my order",
    "Can you help with {t} please",
    "{t} question",
)


def synthetic_turns(
    n: int, days: int, seed: int = 7, end: datetime = END, switch: datetime | None = None
) -> list[tuple[Turn, str | None]]:
    """(assistant turn, the customer's question when it failed), oldest first; release
    r2 from ``switch`` on (default: half way)."""
    rng = random.Random(seed)
    start = end - timedelta(days=days)
    span = (end - start).total_seconds()
    switch = switch or start + (end - start) / 2
    weights = [w for _, w in OUTCOMES]
    out = []
    moments = sorted(rng.random() * span for _ in range(n))
    for i, offset in enumerate(moments):
        moment = start + timedelta(seconds=offset)
        outcome = rng.choices([o for o, _ in OUTCOMES], weights)[0]
        latency = rng.lognormvariate(math.log(300), 0.6)
        flags: list[str] = []
        if rng.random() < 0.005:
            flags.append("injection_suspected")
        trace = [
            {
                "name": s,
                "duration_ms": latency / len(STAGES),
                "flags": flags if s == "input_guard" else [],
            }
            for s in STAGES
        ]
        if rng.random() < 0.003:
            trace[2]["flags"] = ["error"]
        confidence = min(
            max(rng.betavariate(6, 2) if outcome is Outcome.ANSWERED else rng.betavariate(2, 5), 0),
            1,
        )
        release = "r1" if moment < switch else "r2"
        turn = Turn(
            id=uuid.uuid4().hex,
            conversation_id=f"c{i // 10:09d}",
            seq=2 * (i % 10) + 2,
            speaker=Speaker.ASSISTANT,
            text="",
            created_at=moment,
            outcome=outcome,
            in_reply_to=None,
            release_id=release,
            trace=trace,
            details={
                "confidence": round(confidence, 4),
                "escalation_reason": "low_confidence" if outcome is Outcome.HANDOFF else None,
            },
        )
        question = None
        if outcome in (Outcome.NO_ANSWER, Outcome.HANDOFF):
            question = rng.choice(PHRASES).format(t=rng.choice(TOPICS))
        out.append((turn, question))
    return out


def load(
    frontdesk: Frontdesk, tenant_id: str, turns: list[tuple[Turn, str | None]]
) -> dict[str, float]:
    """Rollups (aggregated per hour first, as a replay of record_turn would add up to) and
    the turn rows; returns the seconds each took."""
    started = time.perf_counter()
    per_hour: dict[tuple[datetime, str], dict[str, list[float]]] = defaultdict(dict)
    for turn, _ in turns:
        bucket = per_hour[(stats_repo.hour_of(turn.created_at), turn.release_id or "")]
        for name, (count, total) in turn_increments(turn).items():
            pair = bucket.setdefault(name, [0, 0.0])
            pair[0] += count
            pair[1] += total
    with frontdesk.database.transaction() as session:
        for (hour, release), counters in per_hour.items():
            stats_repo.add(
                session,
                tenant_id,
                release,
                hour,
                {k: (int(c), t) for k, (c, t) in counters.items()},
            )
    rollup_s = time.perf_counter() - started

    started = time.perf_counter()
    conversations = sorted({t.conversation_id for t, _ in turns})
    chunk = 20_000
    with frontdesk.database.engine.begin() as connection:
        for i in range(0, len(conversations), chunk):
            connection.execute(
                insert(ConversationRow),
                [
                    {
                        "id": c,
                        "tenant_id": tenant_id,
                        "status": "bot",
                        "channel": "api",
                        "metadata_": {},
                        "created_at": END,
                        "updated_at": END,
                    }
                    for c in conversations[i : i + chunk]
                ],
            )
        rows: list[dict[str, Any]] = []
        for turn, question in turns:
            customer_id = None
            if question is not None:
                customer_id = uuid.uuid4().hex
                rows.append(
                    {
                        "id": customer_id,
                        "tenant_id": tenant_id,
                        "conversation_id": turn.conversation_id,
                        "seq": turn.seq - 1,
                        "speaker": "customer",
                        "text": question,
                        "status": "answered",
                        "outcome": None,
                        "in_reply_to": None,
                        "release_id": None,
                        "trace": [],
                        "citations": [],
                        "details": {},
                        "created_at": turn.created_at,
                    }
                )
            rows.append(
                {
                    "id": turn.id,
                    "tenant_id": tenant_id,
                    "conversation_id": turn.conversation_id,
                    "seq": turn.seq,
                    "speaker": "assistant",
                    "text": "(answer)",
                    "status": "done",
                    "outcome": turn.outcome.value if turn.outcome else None,
                    "in_reply_to": customer_id,
                    "release_id": turn.release_id,
                    "trace": turn.trace,
                    "citations": [],
                    "details": turn.details,
                    "created_at": turn.created_at,
                }
            )
            if len(rows) >= chunk:
                connection.execute(insert(TurnRow), rows)
                rows = []
        if rows:
            connection.execute(insert(TurnRow), rows)
    return {"rollups_s": round(rollup_s, 1), "turn_rows_s": round(time.perf_counter() - started, 1)}


def vector_rollups(
    frontdesk: Frontdesk, tenant_id: str, n: int, days: int, seed: int = 7
) -> dict[str, float]:
    """The rollup rows of ``n`` synthetic turns, drawn a day at a time with numpy from the
    distributions ``synthetic_turns`` uses, counted under the names ``turn_increments``
    writes (per hour and release, and per day), and inserted as rows. At 10 million turns
    building ``Turn`` objects and calling ``turn_increments`` on each would take about an
    hour of CPU on this machine; this takes a minute."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    probabilities = np.array([w for _, w in OUTCOMES]) / sum(w for _, w in OUTCOMES)
    names = [o.value for o, _ in OUTCOMES]
    answered, handoff, refused = (
        names.index(Outcome.ANSWERED.value),
        names.index(Outcome.HANDOFF.value),
        names.index(Outcome.REFUSED.value),
    )
    switch = END - timedelta(days=days / 2)
    made = 0
    for day in range(days):
        midnight = END - timedelta(days=days - day)
        count = round(n / days * (day + 1)) - made
        first = made
        made += count
        seconds = np.sort(rng.random(count) * 86400)
        hour = (seconds // 3600).astype(np.int64)
        moments_r2 = (midnight.timestamp() + seconds) >= switch.timestamp()
        group = hour * 2 + moments_r2.astype(np.int64)  # (hour, release) as one index
        outcome = rng.choice(len(names), size=count, p=probabilities)
        latency = rng.lognormal(math.log(300), 0.6, size=count)
        injection = rng.random(count) < 0.005
        error = rng.random(count) < 0.003
        confidence = np.where(
            outcome == answered, rng.beta(6, 2, size=count), rng.beta(2, 5, size=count)
        )
        bucket = np.maximum(
            0, np.ceil(np.log(np.maximum(latency, 1.0)) / math.log(LATENCY_RATIO))
        ).astype(np.int64)
        decile = np.minimum((confidence * 10).astype(np.int64), 9)
        conversation_start = ((first + np.arange(count)) % 10) == 0
        safety = injection | (outcome == refused)
        counters: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name -> (mask, values)
        ones = np.ones(count)
        counters["turns"] = (ones.astype(bool), ones * 0)
        counters["conversations"] = (conversation_start, ones * 0)
        for index, name in enumerate(names):
            counters[f"outcome:{name}"] = (outcome == index, ones * 0)
        counters["latency_ms"] = (ones.astype(bool), latency)
        for stage in STAGES:
            counters[f"stage_ms:{stage}"] = (ones.astype(bool), latency / len(STAGES))
        counters["confidence"] = (ones.astype(bool), confidence)
        for d in range(10):
            counters[f"confidence:{d}"] = (decile == d, ones * 0)
        counters["escalation:low_confidence"] = (outcome == handoff, ones * 0)
        counters["safety"] = (safety, ones * 0)
        counters["safety:input_guard:injection_suspected"] = (injection, ones * 0)
        counters["safety:refused"] = (outcome == refused, ones * 0)
        counters["errors"] = (error, ones * 0)
        for b in np.unique(bucket):
            chosen = bucket == b
            counters[f"latency:{int(b):03d}"] = (chosen, np.where(chosen, latency, 0.0))
        hourly, daily, monthly = [], [], []
        for name, (mask, values) in counters.items():
            counts = np.bincount(group[mask], minlength=48)
            totals = np.bincount(group[mask], weights=values[mask], minlength=48)
            for g in np.nonzero(counts)[0]:
                moment = midnight + timedelta(hours=int(g) // 2)
                hourly.append(
                    {
                        "tenant_id": tenant_id,
                        "hour": moment,
                        "day": midnight,
                        "release_id": "r2" if g % 2 else "r1",
                        "name": name,
                        "count": int(counts[g]),
                        "total": float(totals[g]),
                    }
                )
            for release in (0, 1):
                c = int(counts[release::2].sum())
                if c:
                    daily.append(
                        {
                            "tenant_id": tenant_id,
                            "day": midnight,
                            "release_id": "r2" if release else "r1",
                            "name": name,
                            "count": c,
                            "total": float(totals[release::2].sum()),
                        }
                    )
                    monthly.append(
                        {
                            "tenant_id": tenant_id,
                            "month": month_of(midnight),
                            "release_id": "r2" if release else "r1",
                            "name": name,
                            "count": c,
                            "total": float(totals[release::2].sum()),
                        }
                    )
        with frontdesk.database.engine.begin() as connection:
            connection.execute(insert(StatsHourlyRow), hourly)
            connection.execute(insert(StatsDailyRow), daily)
            _add_monthly(connection, monthly)
    return {"rollups_s": round(time.perf_counter() - started, 1)}


def _add_monthly(connection: Any, rows: list[dict[str, Any]]) -> None:
    """Add a day's counters to their month's rows (an upsert, as ``stats_repo.add``)."""
    postgres = connection.dialect.name == "postgresql"
    statement = (postgresql_insert if postgres else sqlite_insert)(StatsMonthlyRow)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "month", "release_id", "name"],
        set_={
            "count": StatsMonthlyRow.count + statement.excluded.count,
            "total": StatsMonthlyRow.total + statement.excluded.total,
        },
    )
    connection.execute(statement, rows)


def sql_turn_rows(frontdesk: Frontdesk, tenant_id: str, n: int, days: int) -> dict[str, float]:
    """The turn rows by set-based SQL: ``n`` assistant turns evenly over ``days`` (ten
    to a conversation), and the customer turns of the failed ones (no answer or handoff)
    with a question text; the outcome of turn ``g`` comes from a multiplicative hash of
    ``g``, in the proportions of ``OUTCOMES``."""
    started = time.perf_counter()
    span = days * 86400
    start_epoch = int((END - timedelta(days=days)).timestamp())
    cuts = []
    edge = 0.0
    for outcome, weight in OUTCOMES:
        edge += weight * 1000
        cuts.append((round(edge), outcome.value))
    outcome_sql = (
        "CASE "
        + " ".join(f"WHEN h < {cut} THEN '{name}'" for cut, name in cuts[:-1])
        + f" ELSE '{cuts[-1][1]}' END"
    )
    failed_lo, failed_hi = cuts[0][0], cuts[2][0]  # no_answer and handoff
    handoff_lo = cuts[1][0]
    postgres = frontdesk.database.engine.dialect.name == "postgresql"
    if postgres:
        series = "SELECT g FROM generate_series(CAST(0 AS bigint), :n - 1) AS g"
        moment = "to_timestamp(:start + (g * :span) / :n)"
        conversations_series = (
            "SELECT g FROM generate_series(CAST(0 AS bigint), (:n - 1) / 10) AS g"
        )
    else:
        series = (
            "WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < :n - 1) "
            "SELECT g FROM s"
        )
        moment = "datetime(:start + (g * :span) / :n, 'unixepoch') || '.000000'"
        conversations_series = (
            "WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s "
            "WHERE g < (:n - 1) / 10) SELECT g FROM s"
        )
    hashed = (
        "SELECT g, ((g * 2654435761) % 4294967296) % 1000 AS h, "
        f"((g * 40503) % 65536) % {len(PHRASES) * len(TOPICS)} AS q FROM ({series}) AS gs"
    )
    js = "::json" if postgres else ""  # PostgreSQL will not take text into a json column
    params = {"n": n, "span": span, "start": start_epoch, "tenant": tenant_id, "end": END}
    questions = [p.format(t=t) for p in PHRASES for t in TOPICS]
    with frontdesk.database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_questions (i INTEGER PRIMARY KEY, text TEXT)"))
        connection.execute(
            text("INSERT INTO bench_questions (i, text) VALUES (:i, :text)"),
            [{"i": i, "text": q} for i, q in enumerate(questions)],
        )
        connection.execute(
            text(
                "INSERT INTO conversations (id, tenant_id, status, channel, metadata, "
                f"created_at, updated_at) SELECT 'c' || g, :tenant, 'bot', 'api', '{{}}'{js}, "
                f":end, :end FROM ({conversations_series}) AS cs"
            ),
            params,
        )
        connection.execute(
            text(
                "INSERT INTO turns (id, tenant_id, conversation_id, seq, speaker, text, status, "
                "outcome, in_reply_to, release_id, trace, citations, details, created_at) "
                "SELECT 'q' || g, :tenant, 'c' || (g / 10), 2 * (g % 10) + 1, 'customer', "
                "bq.text, 'answered', NULL, NULL, NULL, "
                f"'[]'{js}, '[]'{js}, '{{}}'{js}, "
                f"{moment} FROM ({hashed}) AS t JOIN bench_questions bq ON bq.i = t.q "
                f"WHERE h >= {failed_lo} AND h < {failed_hi}"
            ),
            params,
        )
        connection.execute(
            text(
                "INSERT INTO turns (id, tenant_id, conversation_id, seq, speaker, text, status, "
                "outcome, in_reply_to, release_id, trace, citations, details, created_at) "
                "SELECT 'a' || g, :tenant, 'c' || (g / 10), 2 * (g % 10) + 2, 'assistant', "
                f"'(answer)', 'done', {outcome_sql}, "
                f"CASE WHEN h >= {failed_lo} AND h < {failed_hi} THEN 'q' || g END, "
                "CASE WHEN 2 * g < :n THEN 'r1' ELSE 'r2' END, "
                f"'[]'{js}, '[]'{js}, "
                f"CASE WHEN h >= {handoff_lo} AND h < {failed_hi} "
                "THEN '{\"escalation_reason\": \"low_confidence\"}' ELSE '{}' END"
                f"{js}, "
                f"{moment} FROM ({hashed}) AS t"
            ),
            params,
        )
        connection.execute(text("DROP TABLE bench_questions"))
        if postgres:
            connection.execute(text("ANALYZE turns"))
        else:
            connection.execute(text("ANALYZE"))
    return {"turn_rows_s": round(time.perf_counter() - started, 1)}


def time_summaries(reader: StatsReader, tenant_id: str, days: int, repeat: int) -> dict[str, Any]:
    ranges = {"day": (1, "hour"), "week": (7, "hour"), "month": (30, "day"), "all": (days, "day")}
    out: dict[str, Any] = {}
    for name, (span, bucket) in ranges.items():
        query = SummaryQuery(tenant_id, END - timedelta(days=span), END, None, bucket)
        timings = []
        summary: dict[str, Any] = {}
        for _ in range(repeat):
            started = time.perf_counter()
            summary = reader.summary(query)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        started = time.perf_counter()
        hourly = reader.summary(query, coarsest="hour")  # the reference: hourly rows only
        hourly_ms = (time.perf_counter() - started) * 1000
        out[name] = {
            "days": span,
            "turns": summary["turns"],
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[min(len(timings) - 1, math.ceil(0.95 * len(timings)) - 1)], 1),
            "top_unanswered": summary["top_unanswered"][0]["count"]
            if summary["top_unanswered"]
            else 0,
            "hourly_rows_only_ms": round(hourly_ms, 1),
            "same_as_hourly_rows_only": hourly == summary,
        }
    return out


def _minute_of_turns(rng: random.Random, n: int, confidence_mean: float) -> list[Turn]:
    out = []
    for _ in range(n):
        outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
        latency = rng.lognormvariate(math.log(300), 0.6)
        flags = ["injection_suspected"] if rng.random() < 0.003 else []
        trace = [
            {
                "name": s,
                "duration_ms": latency / len(STAGES),
                "flags": flags if s == "input_guard" else [],
            }
            for s in STAGES
        ]
        if rng.random() < 0.002:
            trace[2]["flags"] = ["error"]
        k = 8.0  # beta concentration: mean confidence_mean
        confidence = rng.betavariate(confidence_mean * k, (1 - confidence_mean) * k)
        out.append(
            Turn(
                id="",
                conversation_id="",
                seq=4,
                speaker=Speaker.ASSISTANT,
                text="",
                created_at=END,
                outcome=outcome,
                release_id="r1",
                trace=trace,
                details={"confidence": confidence, "escalation_reason": None},
            )
        )
    return out


def simulate_alerts(per_minute: int = 5, seed: int = 11) -> dict[str, Any]:
    """A steady stream (``per_minute`` turns, mean confidence 0.75) for 8 days, the alert
    loop evaluating every minute through the last 24 h (false alerts), then mean
    confidence falls to 0.55 (as after switching to an unrelated knowledge base): how many
    minutes and turns until ``Confidence dropped`` fires."""
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="fd-ops-alerts-"))
    settings = Settings(
        _env_file=None,
        data_dir=tmp,
        database_url=f"sqlite:///{tmp}/fd.db",
        secret_key="bench-secret-0123456789",
        rate_limit_per_minute=0,
    )
    frontdesk = Frontdesk(settings)
    try:
        frontdesk.init()
        tenant = frontdesk.tenants.create_tenant("steady")
        start = END - timedelta(days=9)

        def add_minute(moment: datetime, confidence: float) -> None:
            totals: dict[str, list[float]] = {}
            for turn in _minute_of_turns(rng, per_minute, confidence):
                for name, (count, total) in turn_increments(turn).items():
                    pair = totals.setdefault(name, [0, 0.0])
                    pair[0] += count
                    pair[1] += total
            with frontdesk.database.transaction() as session:
                stats_repo.add(
                    session,
                    tenant.id,
                    "r1",
                    moment,
                    {k: (int(c), t) for k, (c, t) in totals.items()},
                )

        moment = start
        steady_until = END - timedelta(days=1)  # 8 days of history, unobserved
        while moment < steady_until:
            add_minute(moment, 0.75)
            moment += timedelta(minutes=1)
        with frontdesk.database.transaction() as session:  # rules were made "now": rewind
            session.execute(update(AlertRuleRow).values(next_run_at=start))
        while moment < END:  # the observed steady day
            add_minute(moment, 0.75)
            frontdesk.alerts.evaluate_due(moment)
            moment += timedelta(minutes=1)
        false_alerts = len(frontdesk.alerts.history(tenant.id, 1000))
        drop_at, fired_at = moment, None
        while moment < drop_at + timedelta(hours=6):
            add_minute(moment, 0.55)
            frontdesk.alerts.evaluate_due(moment)
            moment += timedelta(minutes=1)
            events = frontdesk.alerts.history(tenant.id, 10)
            if any(e.metric == "confidence_drop" and e.state.value == "firing" for e in events):
                fired_at = moment
                break
        minutes = None if fired_at is None else (fired_at - drop_at).total_seconds() / 60
        return {
            "turns_per_minute": per_minute,
            "steady_day_false_alerts": false_alerts,
            "confidence_drop": "0.75 -> 0.55",
            "detection_minutes": minutes,
            "detection_turns": None if minutes is None else int(minutes * per_minute),
        }
    finally:
        frontdesk.close()


def simulate_webhooks(events: int = 200, replicas: int = 2) -> dict[str, Any]:
    """``events`` events for one subscription while its receiver (a real HTTP server that
    checks signatures) answers 503 for 10 minutes; ``replicas`` senders over the same
    database run the delivery loop every 15 s of simulated time, concurrently, until 30
    minutes: how many events arrive, how many twice, and when the last one arrived."""
    tmp = Path(tempfile.mkdtemp(prefix="fd-ops-webhooks-"))
    settings = Settings(
        _env_file=None,
        data_dir=tmp,
        database_url=f"sqlite:///{tmp}/fd.db",
        secret_key="bench-secret-0123456789",
        operations_interval_s=0,
    )
    frontdesk = Frontdesk(settings)
    senders = [Frontdesk(settings) for _ in range(replicas - 1)]
    hook = WebhookReceiver()
    try:
        frontdesk.init()
        tenant = frontdesk.tenants.create_tenant("hooked")
        with serve_http(hook.app()) as base:
            _, hook.secret = frontdesk.webhooks.create(
                tenant.id, f"{base}/hook", ["feedback.created"]
            )
            for i in range(events):
                frontdesk.webhooks.publish(tenant.id, "feedback.created", {"n": i})
            hook.down = True
            start = datetime.now(UTC)
            now, recovered_at, last_new = start, start + timedelta(minutes=10), None
            while now < start + timedelta(minutes=30):
                if now >= recovered_at:
                    hook.down = False
                before = len(hook.events)
                with ThreadPoolExecutor(replicas) as pool:
                    list(
                        pool.map(
                            lambda sender, at=now: sender.webhooks.deliver_due(at, limit=500),
                            [frontdesk, *senders],
                        )
                    )
                if len(hook.events) > before:
                    last_new = now
                now += timedelta(seconds=15)
        return {
            "events": events,
            "replicas": replicas,
            "down_minutes": 10,
            "attempts_seen_by_receiver": hook.attempts,
            "delivered": len(hook.events),
            "duplicates": hook.duplicates,
            "rejected_signatures": hook.rejected,
            "all_delivered_minutes_after_recovery": None
            if last_new is None
            else round((last_new - recovered_at).total_seconds() / 60, 2),
        }
    finally:
        for sender in senders:
            sender.close()
        frontdesk.close()


def retime(where: str, days: int, repeat: int) -> dict[str, Any]:
    """Time the summaries again on a database an earlier ``--keep`` run left: a SQLite
    file or a PostgreSQL URL. Migrates it first (a new rollup table is filled from the
    existing rows by its migration)."""
    postgres = where.startswith("postgresql")
    settings = Settings(
        _env_file=None,
        data_dir=Path(tempfile.mkdtemp(prefix="fd-ops-retime-"))
        if postgres
        else Path(where).parent,
        database_url=where if postgres else f"sqlite:///{where}",
        secret_key="bench-secret-0123456789",
    )
    frontdesk = Frontdesk(settings)
    try:
        started = time.perf_counter()
        frontdesk.init()
        migrate_s = round(time.perf_counter() - started, 1)
        tenant = frontdesk.tenants.get_tenant("busy")
        with frontdesk.database.transaction() as session:
            turns = session.execute(
                text("SELECT count(*) FROM turns WHERE speaker = 'assistant'")
            ).scalar_one()
        return {
            "backend": "postgres" if postgres else "sqlite",
            "turns": turns,
            "migrate_s": migrate_s,
            "load_average": round(os.getloadavg()[0], 1),
            "summary": time_summaries(frontdesk.stats, tenant.id, days, repeat),
        }
    finally:
        frontdesk.close()


def _commit() -> str:
    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return found.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--sql",
        action="store_true",
        help="stream the rollups a day at a time and write turn rows by set-based SQL",
    )
    parser.add_argument("--write", action="store_true", help=f"merge the result into {RESULTS}")
    parser.add_argument(
        "--alerts", action="store_true", help="run the alert simulation instead (SQLite)"
    )
    parser.add_argument(
        "--webhooks",
        action="store_true",
        help="run the webhook outage simulation instead (SQLite, a real local receiver)",
    )
    parser.add_argument(
        "--existing",
        help="time the summaries on a SQLite file or PostgreSQL URL a --keep run left",
    )
    parser.add_argument("--db-prefix", default="ops_bench", help="PostgreSQL database name prefix")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (print where) for --existing"
    )
    args = parser.parse_args()
    commit = _commit()  # the code that runs, not HEAD when a long run ends
    if args.existing:
        retimed = retime(args.existing, args.days, args.repeat)
        print(json.dumps(retimed, indent=2))
        if args.write:
            existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
            key = f"{retimed['backend']}_{retimed['turns']}_retimed"
            existing[key] = {"commit": commit, **retimed}
            RESULTS.write_text(json.dumps(existing, indent=2) + "\n")
        return
    if args.webhooks:
        simulated = simulate_webhooks()
        simulated["commit"] = commit
        print(json.dumps(simulated, indent=2))
        if args.write:
            existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
            existing["webhook_outage"] = simulated
            RESULTS.write_text(json.dumps(existing, indent=2) + "\n")
        return
    if args.alerts:
        simulated = simulate_alerts()
        print(json.dumps(simulated, indent=2))
        if args.write:
            existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
            existing["alert_simulation"] = simulated
            RESULTS.write_text(json.dumps(existing, indent=2) + "\n")
        return

    tmp = Path(tempfile.mkdtemp(prefix="fd-ops-bench-"))
    admin = None
    database_url = f"sqlite:///{tmp}/fd.db"
    name = f"{args.db_prefix}_{uuid.uuid4().hex[:8]}"
    if args.backend == "postgres":
        admin = create_engine(
            args.postgres.replace("postgresql://", "postgresql+psycopg://"),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        database_url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
    settings = Settings(
        _env_file=None,
        data_dir=tmp,
        database_url=database_url,
        secret_key="bench-secret-0123456789",
        rate_limit_per_minute=0,
    )
    frontdesk = Frontdesk(settings)
    try:
        frontdesk.init()
        tenant = frontdesk.tenants.create_tenant("busy")
        started = time.perf_counter()
        if args.sql:
            loaded = {
                **vector_rollups(frontdesk, tenant.id, args.turns, args.days),
                **sql_turn_rows(frontdesk, tenant.id, args.turns, args.days),
            }
            generate_s = 0.0  # inside rollups_s
        else:
            turns = synthetic_turns(args.turns, args.days)
            generate_s = time.perf_counter() - started
            loaded = load(frontdesk, tenant.id, turns)
            del turns
        with frontdesk.database.transaction() as session:
            rollup_rows = session.execute(text("SELECT count(*) FROM stats_hourly")).scalar_one()
        result = {
            "backend": args.backend,
            "load": "sql" if args.sql else "python",
            "commit": commit,
            "load_average": round(os.getloadavg()[0], 1),
            "turns": args.turns,
            "days": args.days,
            "rollup_rows": rollup_rows,
            "generate_s": round(generate_s, 1),
            **loaded,
            "summary": time_summaries(frontdesk.stats, tenant.id, args.days, args.repeat),
        }
    finally:
        frontdesk.close()
        if args.keep:
            print(f"kept: {tmp / 'fd.db' if admin is None else database_url}", file=sys.stderr)
        if admin is not None:
            if not args.keep:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    print(json.dumps(result, indent=2))
    if args.write:
        existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        existing[f"{args.backend}_{args.turns}{'_sql' if args.sql else ''}"] = result
        RESULTS.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
