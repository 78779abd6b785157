"""Hourly stats rollups: add to counters in the caller's transaction, and read them back
summed over a range. Always filtered by tenant."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from frontdesk.domain.conversation import Outcome, Speaker, Turn
from frontdesk.domain.handoff import Feedback
from frontdesk.storage.ops_tables import StatsDailyRow, StatsHourlyRow
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import FeedbackRow, TurnRow


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
) -> None:
    """Add ``(count, total)`` to each named counter of the hour holding ``moment``, as
    one upsert. Names are sorted so concurrent writers lock rows in the same order
    (no deadlocks on PostgreSQL)."""
    if not increments:
        return
    hour = hour_of(moment)
    day = hour.replace(hour=0)
    rows = [
        {
            "tenant_id": tenant_id,
            "hour": hour,
            "release_id": release_id,
            "name": name,
            "day": day,
            "count": count,
            "total": total,
        }
        for name, (count, total) in sorted(increments.items())
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(StatsHourlyRow).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "hour", "release_id", "name"],
        set_={
            "count": StatsHourlyRow.count + statement.excluded.count,
            "total": StatsHourlyRow.total + statement.excluded.total,
        },
    )
    session.execute(statement)
    daily = insert(StatsDailyRow).values(
        [{k: v for k, v in row.items() if k != "hour"} for row in rows]
    )
    daily = daily.on_conflict_do_update(
        index_elements=["tenant_id", "day", "release_id", "name"],
        set_={
            "count": StatsDailyRow.count + daily.excluded.count,
            "total": StatsDailyRow.total + daily.excluded.total,
        },
    )
    session.execute(daily)


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


def _in_range(
    tenant_id: str, start: datetime, end: datetime, release_id: str | None
) -> list[ColumnElement[bool]]:
    conditions = [
        StatsHourlyRow.tenant_id == tenant_id,
        StatsHourlyRow.hour >= start,
        StatsHourlyRow.hour < end,
    ]
    if release_id is not None:
        conditions.append(StatsHourlyRow.release_id == release_id)
    return conditions


def totals(
    session: Session, tenant_id: str, start: datetime, end: datetime, release_id: str | None
) -> dict[str, Counter]:
    """Every counter summed over the hours in ``[start, end)`` (from the daily rows when
    the range is whole days)."""
    table, _, where = _source(tenant_id, start, end, release_id, by_day=True)
    query = (
        select(table.name, func.sum(table.count), func.sum(table.total))
        .where(*where)
        .group_by(table.name)
    )
    return {str(n): Counter(int(c or 0), float(t or 0.0)) for n, c, t in session.execute(query)}


def _source(
    tenant_id: str, start: datetime, end: datetime, release_id: str | None, *, by_day: bool
) -> tuple[
    type[StatsHourlyRow] | type[StatsDailyRow],
    InstrumentedAttribute[datetime],
    list[ColumnElement[bool]],
]:
    """Which table a query reads (daily over whole days, else hourly), its period column
    and the tenant/range/release conditions."""
    if by_day and _midnight(start) and _midnight(end):
        where = [
            StatsDailyRow.tenant_id == tenant_id,
            StatsDailyRow.day >= start,
            StatsDailyRow.day < end,
        ]
        if release_id is not None:
            where.append(StatsDailyRow.release_id == release_id)
        return StatsDailyRow, StatsDailyRow.day, where
    period = StatsHourlyRow.day if by_day else StatsHourlyRow.hour
    return StatsHourlyRow, period, _in_range(tenant_id, start, end, release_id)


def series(
    session: Session,
    tenant_id: str,
    start: datetime,
    end: datetime,
    release_id: str | None,
    *,
    by_day: bool,
    names: Iterable[str] | None = None,
    prefixes: Iterable[str] = (),
) -> dict[datetime, dict[str, Counter]]:
    """Counters per hour (or per day), for the given names and name prefixes. Per day
    over whole days, the daily table is read instead of the hourly one."""
    table, period, where = _source(tenant_id, start, end, release_id, by_day=by_day)
    query = select(period, table.name, func.sum(table.count), func.sum(table.total)).where(*where)
    conditions: list[ColumnElement[bool]] = []
    if names is not None:
        conditions.append(table.name.in_(list(names)))
    conditions.extend(table.name.startswith(prefix) for prefix in prefixes)
    if conditions:
        query = query.where(or_(*conditions))
    query = query.group_by(period, table.name)
    out: dict[datetime, dict[str, Counter]] = {}
    for moment, name, count, total in session.execute(query):
        key = _utc(moment)
        out.setdefault(key, {})[str(name)] = Counter(int(count or 0), float(total or 0.0))
    return out


def release_starts(
    session: Session, tenant_id: str, start: datetime, end: datetime
) -> list[tuple[str, datetime]]:
    """Each release's first hour with turns in the range (the dashboard's markers; its
    first day when the range is whole days)."""
    table, period, where = _source(tenant_id, start, end, None, by_day=True)
    query = select(table.release_id, func.min(period)).where(*where, table.name == "turns")
    rows = session.execute(query.group_by(table.release_id))
    return sorted(((str(r), _utc(h)) for r, h in rows), key=lambda pair: pair[1])


def questions_without_answer(
    session: Session,
    tenant_id: str,
    start: datetime,
    end: datetime,
    release_id: str | None,
    outcomes: tuple[Outcome, ...],
    limit: int,
) -> list[tuple[str, str, str | None, datetime]]:
    """(customer text, outcome, escalation reason, when) for the newest ``limit``
    replies in the range whose outcome is one of ``outcomes``. Stored customer text is
    already PII-redacted."""
    replies = (
        select(TurnRow.in_reply_to, TurnRow.outcome, TurnRow.details, TurnRow.created_at)
        .where(
            TurnRow.tenant_id == tenant_id,
            TurnRow.created_at >= start,
            TurnRow.created_at < end,
            TurnRow.speaker == Speaker.ASSISTANT.value,
            TurnRow.outcome.in_([o.value for o in outcomes]),
            TurnRow.in_reply_to.is_not(None),
        )
        .order_by(TurnRow.created_at.desc())
        .limit(limit)
    )
    if release_id is not None:
        replies = replies.where(TurnRow.release_id == release_id)
    found = list(session.execute(replies))
    ids = [str(row[0]) for row in found]
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
        text = texts.get(str(customer_id))
        if text is None:
            continue
        reason = (details or {}).get("escalation_reason")
        out.append((text, str(outcome), reason if isinstance(reason, str) else None, created))
    return out


def _midnight(moment: datetime) -> bool:
    return moment == moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def clear(session: Session, tenant_id: str, start: datetime, end: datetime) -> int:
    """Delete the tenant's counters of the whole days in ``[start, end)`` (before a
    rebuild), hourly and daily."""
    session.execute(
        delete(StatsDailyRow).where(
            StatsDailyRow.tenant_id == tenant_id,
            StatsDailyRow.day >= start,
            StatsDailyRow.day < end,
        )
    )
    result = session.execute(delete(StatsHourlyRow).where(*_in_range(tenant_id, start, end, None)))
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
