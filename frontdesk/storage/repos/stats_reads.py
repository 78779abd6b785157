"""Stats rollups, read: counters summed over a range, per series bucket, and each
bucket's latency percentile, from the coarsest rows that cover the range exactly
(``stats_periods``). Always filtered by tenant.

Percentiles of series buckets are computed in SQL from the merged latency histograms
on PostgreSQL (one row per bucket comes back, not one per bucket and histogram bin), and
on SQLite while reading the histogram rows once in bin order, both with the same
rule as ``frontdesk.operations.summary.percentile_ms``: the first bin, in bin order,
whose running count reaches ``q`` times the bucket's count. Bin names have three digits
(``latency:%03d``, any latency below 10^21 ms), so name order is bin order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from frontdesk.storage.ops_tables import StatsDailyRow, StatsHourlyRow, StatsMonthlyRow
from frontdesk.storage.repos.stats import Counter
from frontdesk.storage.repos.stats_periods import Grain, Piece, next_month, pieces

_AnySelect = Select[*tuple[Any, ...]]
SeriesBucket = Literal["hour", "day", "week"]
LATENCY_PREFIX = "latency:"
_Table = type[StatsHourlyRow] | type[StatsDailyRow] | type[StatsMonthlyRow]
_TABLES: dict[Grain, _Table] = {
    "hour": StatsHourlyRow,
    "day": StatsDailyRow,
    "month": StatsMonthlyRow,
}
_PERIOD = {"hour": StatsHourlyRow.hour, "day": StatsDailyRow.day, "month": StatsMonthlyRow.month}
# The day each row falls in (a monthly row: its month's first day).
_DAY = {"hour": StatsHourlyRow.day, "day": StatsDailyRow.day, "month": StatsMonthlyRow.month}
_STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}


@dataclass(frozen=True, slots=True)
class SeriesRows:
    """Per bucket start: the asked-for counters, and the bin holding its percentile."""

    counters: dict[datetime, dict[str, Counter]]
    percentile_bin: dict[datetime, int]


def _where(piece: Piece, tenant_id: str, release_id: str | None) -> list[ColumnElement[bool]]:
    table = _TABLES[piece.grain]
    period = _PERIOD[piece.grain]
    conditions = [table.tenant_id == tenant_id, period >= piece.start, period < piece.end]
    if release_id is not None:
        conditions.append(table.release_id == release_id)
    return conditions


def _union(selects: list[_AnySelect]) -> Subquery:
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery()


def totals(
    session: Session,
    tenant_id: str,
    start: datetime,
    end: datetime,
    release_id: str | None,
    *,
    coarsest: Grain = "month",
) -> dict[str, Counter]:
    """Every counter summed over the hours in ``[start, end)``."""
    selects: list[_AnySelect] = []
    for piece in pieces(start, end, coarsest):
        table = _TABLES[piece.grain]
        selects.append(
            select(table.name, table.count, table.total).where(
                *_where(piece, tenant_id, release_id)
            )
        )
    rows = _union(selects)
    query = select(rows.c.name, func.sum(rows.c.count), func.sum(rows.c.total)).group_by(
        rows.c.name
    )
    return {str(n): Counter(int(c or 0), float(t or 0.0)) for n, c, t in session.execute(query)}


def bucket_starts(start: datetime, end: datetime, bucket: SeriesBucket) -> list[datetime]:
    """Where each series bucket starts: hours from ``start``; days and weeks from the
    midnight of ``start``; up to ``end``."""
    moment = start if bucket == "hour" else start.replace(hour=0)
    out = []
    while moment < end:
        out.append(moment)
        moment += _STEPS[bucket]
    return out


def _bucket_index(column: Any, starts: Sequence[datetime]) -> Any:
    """The index of the bucket holding ``column``: a balanced tree of ``CASE`` (about
    log2(buckets) comparisons a row, the same SQL on both backends)."""
    if len(starts) == 1:
        return literal(0)

    def tree(low: int, high: int) -> Any:  # buckets low..high-1
        if high - low == 1:
            return literal(low)
        middle = (low + high) // 2
        return case((column < starts[middle], tree(low, middle)), else_=tree(middle, high))

    return tree(0, len(starts))


def series(
    session: Session,
    tenant_id: str,
    start: datetime,
    end: datetime,
    release_id: str | None,
    *,
    bucket: SeriesBucket,
    names: Sequence[str],
    quantile: float,
    coarsest: Grain = "day",
) -> SeriesRows:
    """The named counters per series bucket, and the latency bin of each bucket's
    ``quantile``. Hourly buckets read hourly rows; daily and weekly ones read daily rows
    for whole days (never monthly rows, which do not split into days)."""
    starts = bucket_starts(start, end, bucket)
    grain: Grain = "hour" if bucket == "hour" else coarsest
    if grain == "month":
        grain = "day"
    parts = pieces(start, end, grain)

    def rows(name_filter: Any) -> Subquery:
        selects: list[_AnySelect] = []
        for piece in parts:
            table = _TABLES[piece.grain]
            if bucket == "hour":
                period: Any = StatsHourlyRow.hour
            elif bucket == "day":
                period = _DAY[piece.grain]
            else:
                period = _bucket_index(_DAY[piece.grain], starts)
            selects.append(
                select(period.label("period"), table.name, table.count, table.total).where(
                    *_where(piece, tenant_id, release_id), name_filter(table)
                )
            )
        return _union(selects)

    named = rows(lambda table: table.name.in_(list(names)))
    query = select(
        named.c.period, named.c.name, func.sum(named.c.count), func.sum(named.c.total)
    ).group_by(named.c.period, named.c.name)
    counters: dict[datetime, dict[str, Counter]] = {}
    for period, name, count, total in session.execute(query):
        key = _bucket_start(period, starts, bucket)
        counters.setdefault(key, {})[str(name)] = Counter(int(count or 0), float(total or 0.0))
    latency = rows(lambda table: table.name.like(f"{LATENCY_PREFIX}%"))
    if session.get_bind().dialect.name == "sqlite":
        found = _percentiles_streamed(session, latency, quantile)
    else:
        found = [
            (period, name) for period, name in session.execute(_percentile_query(latency, quantile))
        ]
    bins = {
        _bucket_start(period, starts, bucket): int(str(name)[len(LATENCY_PREFIX) :])
        for period, name in found
        if name is not None
    }
    return SeriesRows(counters, bins)


def _percentiles_streamed(
    session: Session, latency: Subquery, quantile: float
) -> list[tuple[Any, str]]:
    """SQLite: the same rule as ``_percentile_query``, over the histogram rows read in
    (period, bin) order (the daily key's order: no sort), because SQLite's window sums
    cost about three times the reading. The period comes back as stored (no per-row
    conversion) and is converted once per period."""
    raw = type_coerce(latency.c.period, String)
    query = select(raw, latency.c.name, latency.c.count).order_by(raw, latency.c.name)
    column = latency.c.period
    out: list[tuple[Any, str]] = []
    for period, histogram in groupby(session.execute(query), key=lambda row: row[0]):
        rows = [(str(name), int(count)) for _, name, count in histogram]
        whole = float(sum(count for _, count in rows))
        seen = 0
        for index, (name, count) in enumerate(rows):
            seen += count
            if index + 1 < len(rows) and rows[index + 1][0] == name:
                continue  # peers: one bin from several releases or tables
            if seen >= quantile * whole and seen >= 1:
                out.append((_convert(column, period, session), name))
                break
    return out


def _convert(column: Any, value: Any, session: Session) -> Any:
    dialect = session.get_bind().dialect
    processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
    return processor(value) if processor else value


def _bucket_start(period: Any, starts: Sequence[datetime], bucket: SeriesBucket) -> datetime:
    if bucket == "week":
        return starts[int(period)]
    return _utc(period)


def _percentile_query(latency: Subquery, quantile: float) -> _AnySelect:
    """Per period: the first latency bin (names sort in bin order: ``latency:%03d``)
    whose running count reaches ``quantile`` times the period's count, and at least one.
    Rows of one bin from several releases or tables are peers of one running sum (the
    default RANGE frame). Counts are compared as doubles, as Python's ``ceil(q * n)``
    rank is. Both windows share one ordering, which the daily key already has."""
    period, name, count = latency.c.period, latency.c.name, latency.c.count
    seen = func.sum(count).over(partition_by=period, order_by=name)
    whole = func.sum(count).over(partition_by=period, order_by=name, rows=(None, None))
    running = select(
        period, name, cast(seen, Float).label("seen"), cast(whole, Float).label("n")
    ).subquery()
    reached = and_(running.c.seen >= literal(quantile, Float) * running.c.n, running.c.seen >= 1)
    return select(running.c.period, func.min(case((reached, running.c.name)))).group_by(
        running.c.period
    )


def release_starts(
    session: Session, tenant_id: str, start: datetime, end: datetime, coarsest: Grain = "month"
) -> list[tuple[str, datetime]]:
    """Each release's first day with turns in the range (the dashboard's markers),
    oldest first. Pieces are read oldest first; a release first seen in a month is then
    looked up day by day within that month only."""
    first: dict[str, datetime] = {}
    for piece in pieces(start, end, coarsest):
        table = _TABLES[piece.grain]
        query = (
            select(table.release_id, func.min(_DAY[piece.grain]))
            .where(*_where(piece, tenant_id, None), table.name == "turns")
            .group_by(table.release_id)
        )
        for release, moment in session.execute(query):
            if str(release) in first:
                continue
            found = _utc(moment)
            if piece.grain == "month":
                found = _first_day(session, tenant_id, str(release), found, piece.end)
            first[str(release)] = found
    return sorted(((r, t) for r, t in first.items()), key=lambda pair: (pair[1], pair[0]))


def _first_day(
    session: Session, tenant_id: str, release_id: str, month: datetime, end: datetime
) -> datetime:
    query = select(func.min(StatsDailyRow.day)).where(
        StatsDailyRow.tenant_id == tenant_id,
        StatsDailyRow.release_id == release_id,
        StatsDailyRow.day >= month,
        StatsDailyRow.day < min(next_month(month), end),
        StatsDailyRow.name == "turns",
    )
    found = session.execute(query).scalar_one_or_none()
    return _utc(found) if found is not None else month


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
