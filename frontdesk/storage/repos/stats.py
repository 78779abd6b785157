"""Stats rollups, written: add to the hourly, daily and monthly counters in the caller's
transaction (``stats_reads`` sums them over ranges), and the stored turns they come
from. Always filtered by tenant."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.domain.handoff import Feedback
from frontdesk.storage.ops_tables import StatsDailyRow, StatsHourlyRow, StatsMonthlyRow
from frontdesk.storage.records import from_row
from frontdesk.storage.repos.stats_periods import month_of, months, next_month
from frontdesk.storage.tables import FeedbackRow, TurnRow, UTCDateTime

RollupRow = StatsHourlyRow | StatsDailyRow | StatsMonthlyRow


@dataclass(frozen=True, slots=True)
class Counter:
    count: int
    total: float


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def add(
    session: Session,
    tenant_id: str,
    release_id: str,
    moment: datetime,
    increments: Mapping[str, tuple[int, float]],
    *,
    monthly: bool = True,
) -> None:
    """Add ``(count, total)`` to each named counter of the hour holding ``moment``, and
    of its day and month, as one upsert per table. Names are sorted so concurrent
    writers lock rows in the same order (no deadlocks on PostgreSQL). ``monthly=False``
    leaves the monthly rows to ``refresh_months`` (a rebuild)."""
    if not increments:
        return
    hour = hour_of(moment)
    day = hour.replace(hour=0)
    rows = [
        {"tenant_id": tenant_id, "release_id": release_id, "name": name, "count": c, "total": t}
        for name, (c, t) in sorted(increments.items())
    ]
    _upsert(session, StatsHourlyRow, "hour", [{**row, "hour": hour, "day": day} for row in rows])
    _upsert(session, StatsDailyRow, "day", [{**row, "day": day} for row in rows])
    if monthly:
        month = month_of(day)
        _upsert(session, StatsMonthlyRow, "month", [{**row, "month": month} for row in rows])


def _upsert(
    session: Session, table: type[RollupRow], period: str, rows: list[dict[str, Any]]
) -> None:
    # One statement executed for many rows: its compiled form is cached (a multi-row
    # VALUES of a varying length would be compiled again for every turn).
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", period, "release_id", "name"],
        set_={
            "count": table.count + statement.excluded.count,
            "total": table.total + statement.excluded.total,
        },
    )
    session.execute(statement, rows)


def refresh_months(session: Session, tenant_id: str, start: datetime, end: datetime) -> None:
    """Recompute the tenant's monthly rows of every month ``[start, end)`` touches from
    its daily rows (after a rebuild changed some of those days)."""
    for month in months(start, end):
        session.execute(
            delete(StatsMonthlyRow).where(
                StatsMonthlyRow.tenant_id == tenant_id, StatsMonthlyRow.month == month
            )
        )
        summed = (
            select(
                StatsDailyRow.tenant_id,
                literal(month, UTCDateTime()),
                StatsDailyRow.release_id,
                StatsDailyRow.name,
                func.sum(StatsDailyRow.count),
                func.sum(StatsDailyRow.total),
            )
            .where(
                StatsDailyRow.tenant_id == tenant_id,
                StatsDailyRow.day >= month,
                StatsDailyRow.day < next_month(month),
            )
            .group_by(StatsDailyRow.tenant_id, StatsDailyRow.release_id, StatsDailyRow.name)
        )
        columns = ["tenant_id", "month", "release_id", "name", "count", "total"]
        session.execute(insert(StatsMonthlyRow).from_select(columns, summed))


def day_totals(
    session: Session, tenant_id: str, day: datetime, names: Iterable[str]
) -> dict[str, Counter]:
    """The named counters of one day (midnight UTC), over every release: one primary-key
    range read of the daily rows, cheap enough to run before every turn."""
    query = (
        select(StatsDailyRow.name, func.sum(StatsDailyRow.count), func.sum(StatsDailyRow.total))
        .where(
            StatsDailyRow.tenant_id == tenant_id,
            StatsDailyRow.day == day,
            StatsDailyRow.name.in_(list(names)),
        )
        .group_by(StatsDailyRow.name)
    )
    return {str(n): Counter(int(c or 0), float(t or 0.0)) for n, c, t in session.execute(query)}


def questions_without_answer(
    session: Session,
    tenant_id: str,
    start: datetime,
    end: datetime,
    release_id: str | None,
    outcomes: tuple[Outcome, ...],
    limit: int,
) -> list[tuple[str | None, str, str | None, datetime]]:
    """(customer text, outcome, escalation reason, when) for the newest ``limit``
    replies in the range whose outcome is one of ``outcomes``. Stored customer text is
    already PII-redacted. The text is ``None`` for a reply to no message: the handoff a
    customer asked for with "Talk to a person" (counted in the escalation rate too)."""
    replies = (
        select(TurnRow.in_reply_to, TurnRow.outcome, TurnRow.details, TurnRow.created_at)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.created_at >= start,
            TurnRow.created_at < end,
            TurnRow.speaker == Speaker.ASSISTANT.value,
            TurnRow.outcome.in_([o.value for o in outcomes]),
        )
        .order_by(TurnRow.created_at.desc())
        .limit(limit)
    )
    if release_id is not None:
        replies = replies.where(TurnRow.release_id == release_id)
    found = list(session.execute(replies))
    ids = [str(row[0]) for row in found if row[0] is not None]
    texts: dict[str, str] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        # By primary key alone: with "tenant_id = ? AND id IN (...)" SQLite walks the
        # tenant's index instead (seconds at a million turns). The tenant is checked here.
        query = select(TurnRow.id, TurnRow.tenant_id, TurnRow.text).where(TurnRow.id.in_(chunk))
        texts.update(
            {str(i): str(t) for i, owner, t in session.execute(query) if owner == tenant_id}
        )
    out = []
    for customer_id, outcome, details, created in found:
        text = None if customer_id is None else texts.get(str(customer_id))
        if text is None and customer_id is not None:
            continue
        reason = (details or {}).get("escalation_reason")
        out.append((text, str(outcome), reason if isinstance(reason, str) else None, created))
    return out


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def clear(session: Session, tenant_id: str, start: datetime, end: datetime) -> int:
    """Delete the tenant's counters of the whole days in ``[start, end)`` (before a
    rebuild), hourly and daily; ``refresh_months`` then redoes the months around them."""
    session.execute(
        delete(StatsDailyRow).where(
            StatsDailyRow.tenant_id == tenant_id,
            StatsDailyRow.day >= start,
            StatsDailyRow.day < end,
        )
    )
    result = session.execute(
        delete(StatsHourlyRow).where(
            StatsHourlyRow.tenant_id == tenant_id,
            StatsHourlyRow.hour >= start,
            StatsHourlyRow.hour < end,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def assistant_turns(
    session: Session, tenant_id: str, start: datetime, end: datetime
) -> Iterator[Turn]:
    """The tenant's assistant turns stored in ``[start, end)``, streamed."""
    rows = session.scalars(
        select(TurnRow)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.created_at >= start,
            TurnRow.created_at < end,
            TurnRow.speaker == Speaker.ASSISTANT.value,
        )
        .execution_options(yield_per=2000)
    )
    for row in rows:
        yield from_row(
            Turn,
            row,
            speaker=Speaker(row.speaker),
            outcome=Outcome(row.outcome) if row.outcome else None,
            trace=list(row.trace or []),
            citations=list(row.citations or []),
            details=dict(row.details or {}),
        )


def feedback(session: Session, tenant_id: str, start: datetime, end: datetime) -> list[Feedback]:
    rows = session.scalars(
        select(FeedbackRow).where(
            FeedbackRow.tenant_id == tenant_id,
            FeedbackRow.created_at >= start,
            FeedbackRow.created_at < end,
        )
    )
    return [from_row(Feedback, row) for row in rows]
