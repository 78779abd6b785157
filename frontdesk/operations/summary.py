"""The summary of a tenant's turns over a time range, read from the rollups.

Ranges are whole hours: ``from`` is rounded down and ``to`` up to the hour, and the
response says which hours it covers. Totals read whole months from the monthly rows,
whole days from the daily rows and the edges from the hourly ones (the same sums);
series read hourly or daily rows. Percentiles come from the 5% latency histogram; each
series point's p95 is found from its merged histogram by the repository (in SQL on
PostgreSQL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from frontdesk.domain.conversation import Outcome
from frontdesk.errors import InvalidInputError
from frontdesk.operations import rollups
from frontdesk.operations.questions import group_handoffs, group_questions
from frontdesk.operations.rollups import bucket_upper_ms
from frontdesk.storage.db import Database
from frontdesk.storage.repos import stats as repo
from frontdesk.storage.repos import stats_reads as reads
from frontdesk.storage.repos.stats import Counter
from frontdesk.storage.repos.stats_periods import Grain

Bucket = Literal["hour", "day", "week"]
HOUR = timedelta(hours=1)
MAX_HOURLY_POINTS = 24 * 31
MAX_RANGE = timedelta(days=3 * 366)
_SERIES_NAMES = ("turns", "outcome:answered", "outcome:handoff", "confidence", "safety", "errors")
QUESTION_SCAN = 1000  # newest failed replies grouped into the top-questions lists
TOP_QUESTIONS = 10


@dataclass(frozen=True, slots=True)
class SummaryQuery:
    tenant_id: str
    start: datetime
    end: datetime
    release_id: str | None = None
    bucket: Bucket | None = None

    def normalised(self) -> SummaryQuery:
        """Whole hours in UTC, checked: bad ranges are a 422, not an empty answer."""
        for name, moment in (("from", self.start), ("to", self.end)):
            if moment.tzinfo is None:
                raise InvalidInputError(
                    f"{name} needs a time zone, e.g. 2026-12-01T00:00:00Z", field=name
                )
        start = repo.hour_of(self.start.astimezone(UTC))
        end = self.end.astimezone(UTC)
        end = repo.hour_of(end) + (HOUR if end != repo.hour_of(end) else timedelta())
        if end <= start:
            raise InvalidInputError("'to' must be after 'from'", field="to")
        if end - start > MAX_RANGE:
            raise InvalidInputError("the range may span at most 3 years", field="to")
        bucket = self.bucket or ("hour" if end - start <= timedelta(days=3) else "day")
        if bucket == "hour" and (end - start) / HOUR > MAX_HOURLY_POINTS:
            raise InvalidInputError(
                f"hourly series cover at most {MAX_HOURLY_POINTS // 24} days; use bucket=day",
                field="bucket",
            )
        return SummaryQuery(self.tenant_id, start, end, self.release_id, bucket)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _mean(counter: Counter | None, digits: int = 4) -> float | None:
    return round(counter.total / counter.count, digits) if counter and counter.count else None


def percentile_ms(counters: dict[str, Counter], q: float) -> float | None:
    buckets = sorted(
        (int(name.split(":", 1)[1]), c.count)
        for name, c in counters.items()
        if name.startswith("latency:")
    )
    seen, n = 0, sum(count for _, count in buckets)
    if not n:
        return None
    rank = max(1, math.ceil(q * n))
    for bucket, count in buckets:
        seen += count
        if seen >= rank:
            return round(bucket_upper_ms(bucket), 1)
    return round(bucket_upper_ms(buckets[-1][0]), 1)


def _named(counters: dict[str, Counter], prefix: str) -> dict[str, int]:
    return {
        name[len(prefix) :]: c.count
        for name, c in sorted(counters.items())
        if name.startswith(prefix)
    }


def _count(counters: dict[str, Counter], name: str) -> int:
    found = counters.get(name)
    return found.count if found else 0


def headline(counters: dict[str, Counter], p95_ms: float | None) -> dict[str, Any]:
    """The numbers of one period: the summary's top level and each series point."""
    turns = _count(counters, "turns")
    return {
        "turns": turns,
        "answered_rate": _rate(_count(counters, "outcome:answered"), turns),
        "escalation_rate": _rate(_count(counters, "outcome:handoff"), turns),
        "p95_ms": p95_ms,
        "mean_confidence": _mean(counters.get("confidence")),
        "safety_trigger_rate": _rate(_count(counters, "safety"), turns),
        "error_rate": _rate(_count(counters, "errors"), turns),
    }


def details(counters: dict[str, Counter]) -> dict[str, Any]:
    turns = _count(counters, "turns")
    stage_ms = {
        name.split(":", 1)[1]: round(c.total / c.count, 2)
        for name, c in sorted(counters.items())
        if name.startswith("stage_ms:") and c.count
    }
    return {
        "conversations": _count(counters, "conversations"),
        "outcomes": _named(counters, "outcome:"),
        "no_answer_rate": _rate(_count(counters, "outcome:no_answer"), turns),
        "handoff_rate": _rate(_count(counters, "outcome:handoff"), turns),
        "refused_rate": _rate(_count(counters, "outcome:refused"), turns),
        "p50_ms": percentile_ms(counters, 0.50),
        "p99_ms": percentile_ms(counters, 0.99),
        "mean_ms": _mean(counters.get("latency_ms"), 1),
        "stage_mean_ms": stage_ms,
        "confidence_histogram": [_count(counters, f"confidence:{d}") for d in range(10)],
        "escalation_reasons": _named(counters, "escalation:"),
        "safety_triggers": _named(counters, "safety:"),
        "thumbs_up": _count(counters, "thumbs:up"),
        "thumbs_down": _count(counters, "thumbs:down"),
        "csat_mean": _mean(counters.get("csat"), 2),
        "csat_count": _count(counters, "csat"),
        "csat_distribution": {str(s): _count(counters, f"csat:{s}") for s in range(1, 6)},
        "tokens": int(counters["tokens"].total) if "tokens" in counters else 0,
        "cost": round(counters["cost"].total, 6) if "cost" in counters else 0.0,
        "cache_hits": _count(counters, "cache_hit"),
        "answer_cache_hits": {
            kind: _count(counters, f"answer_cache:{kind}") for kind in ("exact", "semantic")
        },
    }


class StatsReader:
    """Summaries for the API, the CLI, the dashboard and the alert rules."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def counters(
        self, tenant_id: str, start: datetime, end: datetime, release_id: str | None = None
    ) -> dict[str, Counter]:
        with self._db.transaction() as session:
            return reads.totals(session, tenant_id, start, end, release_id)

    def rebuild(self, tenant_id: str, start: datetime, end: datetime) -> int:
        """Recompute the rollups of the whole days holding ``[start, end)`` from stored turns."""
        first = repo.hour_of(start).replace(hour=0)
        last = repo.hour_of(end).replace(hour=0)
        last += timedelta(days=1) if last != end else timedelta()
        with self._db.transaction() as session:
            return rollups.rebuild(session, tenant_id, first, last)

    def summary(self, query: SummaryQuery, *, coarsest: Grain = "month") -> dict[str, Any]:
        """The summary of ``query``. ``coarsest`` caps the rollups read ("hour" reads
        only hourly rows: the reference the coarser path is tested against)."""
        q = query.normalised()
        bucket = q.bucket or "hour"
        with self._db.transaction() as session:
            counters = reads.totals(
                session, q.tenant_id, q.start, q.end, q.release_id, coarsest=coarsest
            )
            periods = reads.series(
                session,
                q.tenant_id,
                q.start,
                q.end,
                q.release_id,
                bucket=bucket,
                names=_SERIES_NAMES,
                quantile=0.95,
                coarsest=coarsest,
            )
            releases = reads.release_starts(session, q.tenant_id, q.start, q.end, coarsest)
            failed = repo.questions_without_answer(
                session,
                q.tenant_id,
                q.start,
                q.end,
                q.release_id,
                (Outcome.NO_ANSWER, Outcome.HANDOFF),
                QUESTION_SCAN,
            )
        unanswered = [
            (text, outcome, reason, when)
            for text, outcome, reason, when in failed
            if outcome == Outcome.NO_ANSWER.value and text
        ]
        escalated = [row for row in failed if row[1] == Outcome.HANDOFF.value]
        return {
            "from": q.start.isoformat(),
            "to": q.end.isoformat(),
            "release": q.release_id,
            "bucket": q.bucket,
            **headline(counters, percentile_ms(counters, 0.95)),
            **details(counters),
            "series": [
                {
                    "start": start.isoformat(),
                    **headline(periods.counters.get(start, {}), _upper_ms(periods, start)),
                }
                for start in reads.bucket_starts(q.start, q.end, bucket)
            ],
            "releases": [{"release": r, "first_seen": t.isoformat()} for r, t in releases],
            "top_unanswered": group_questions(unanswered, TOP_QUESTIONS),
            "top_escalated": group_handoffs(escalated, TOP_QUESTIONS),
        }


def _upper_ms(periods: reads.SeriesRows, start: datetime) -> float | None:
    found = periods.percentile_bin.get(start)
    return None if found is None else round(bucket_upper_ms(found), 1)
