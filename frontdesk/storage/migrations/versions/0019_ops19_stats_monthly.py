"""stats_monthly: the stats counters summed per calendar month, filled from stats_daily;
stats_daily keyed (tenant_id, day, name, release_id) so a day's latency bins read in order

Revision ID: 0019_ops19
Revises: 0018_reliability
Create Date: 2026-12-06 11:30:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0019_ops19"
down_revision = "0018_reliability"
branch_labels = None
depends_on = None

_daily = sa.table(
    "stats_daily",
    sa.column("tenant_id", sa.String()),
    sa.column("day", sa.DateTime(timezone=True)),
    sa.column("release_id", sa.String()),
    sa.column("name", sa.String()),
    sa.column("count", sa.Integer()),
    sa.column("total", sa.Float()),
)
_monthly = sa.table(
    "stats_monthly",
    sa.column("tenant_id", sa.String()),
    sa.column("month", sa.DateTime(timezone=True)),
    sa.column("release_id", sa.String()),
    sa.column("name", sa.String()),
    sa.column("count", sa.Integer()),
    sa.column("total", sa.Float()),
)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _next_month(month: datetime) -> datetime:
    if month.month == 12:
        return month.replace(year=month.year + 1, month=1)
    return month.replace(month=month.month + 1)


_COLUMNS = ["tenant_id", "day", "name", "release_id", "count", "total"]


def _rollup_table(name: str, period: str, order: tuple[str, str]) -> None:
    op.create_table(
        name,
        sa.Column(
            "tenant_id",
            sa.String(32),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(period, sa.DateTime(timezone=True), primary_key=True),
        *[
            sa.Column(column, sa.String(120 if column == "name" else 64), primary_key=True)
            for column in order
        ],
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
    )


def _rekey_daily(order: tuple[str, str]) -> None:
    """stats_daily's primary key as (tenant_id, day, *order)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE stats_daily DROP CONSTRAINT stats_daily_pkey, "
            "ADD CONSTRAINT stats_daily_pkey PRIMARY KEY (tenant_id, day, "
            f"{order[0]}, {order[1]})"
        )
        return
    # SQLite cannot change a primary key: a new table, the rows copied, renamed.
    _rollup_table("stats_daily_rekeyed", "day", order)
    columns = ", ".join(_COLUMNS)
    op.execute(f"INSERT INTO stats_daily_rekeyed ({columns}) SELECT {columns} FROM stats_daily")
    op.drop_table("stats_daily")
    op.rename_table("stats_daily_rekeyed", "stats_daily")


def upgrade() -> None:
    _rekey_daily(("name", "release_id"))
    _rollup_table("stats_monthly", "month", ("name", "release_id"))
    # The months already counted: one INSERT ... SELECT per month with the month bound
    # as a value (no dialect-specific date functions).
    connection = op.get_bind()
    first, last = connection.execute(
        sa.select(sa.func.min(_daily.c.day), sa.func.max(_daily.c.day))
    ).one()
    if first is None:
        return
    month = _utc(first).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while month <= _utc(last):
        summed = (
            sa.select(
                _daily.c.tenant_id,
                sa.literal(month, sa.DateTime(timezone=True)),
                _daily.c.release_id,
                _daily.c.name,
                sa.func.sum(_daily.c.count),
                sa.func.sum(_daily.c.total),
            )
            .where(_daily.c.day >= month, _daily.c.day < _next_month(month))
            .group_by(_daily.c.tenant_id, _daily.c.release_id, _daily.c.name)
        )
        columns = ["tenant_id", "month", "release_id", "name", "count", "total"]
        connection.execute(_monthly.insert().from_select(columns, summed))
        month = _next_month(month)


def downgrade() -> None:
    op.drop_table("stats_monthly")
    _rekey_daily(("release_id", "name"))
