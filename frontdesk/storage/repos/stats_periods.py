"""How a range of whole hours splits over the rollup tables: whole months from the
monthly rows, whole days from the daily rows, the ragged edges from the hourly rows.

Every counter is added to all three tables in the same transaction, so a range summed
from the coarsest pieces equals the same range summed hour by hour, while a year reads
about 12 monthly rows per counter instead of 8,760 hourly ones. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Grain = Literal["hour", "day", "month"]
GRAINS: tuple[Grain, ...] = ("hour", "day", "month")


@dataclass(frozen=True, slots=True)
class Piece:
    """``[start, end)`` read from the rows of one grain."""

    grain: Grain
    start: datetime
    end: datetime


def day_of(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def month_of(moment: datetime) -> datetime:
    return day_of(moment).replace(day=1)


def next_month(moment: datetime) -> datetime:
    first = month_of(moment)
    if first.month == 12:
        return first.replace(year=first.year + 1, month=1)
    return first.replace(month=first.month + 1)


def months(start: datetime, end: datetime) -> list[datetime]:
    """The first moments of the months that ``[start, end)`` touches."""
    out, month = [], month_of(start)
    while month < end:
        out.append(month)
        month = next_month(month)
    return out


def _ceil(moment: datetime, grain: Grain) -> datetime:
    if grain == "day":
        floor = day_of(moment)
        return floor if floor == moment else floor + timedelta(days=1)
    floor = month_of(moment)
    return floor if floor == moment else next_month(floor)


def _floor(moment: datetime, grain: Grain) -> datetime:
    return day_of(moment) if grain == "day" else month_of(moment)


def pieces(start: datetime, end: datetime, coarsest: Grain = "month") -> list[Piece]:
    """``[start, end)`` (whole hours) as disjoint pieces, oldest first, each read from
    the coarsest rows that cover it exactly, but no coarser than ``coarsest``."""
    if end <= start:
        return []
    if coarsest == "hour":
        return [Piece("hour", start, end)]
    finer: Grain = "day" if coarsest == "month" else "hour"
    inner_start, inner_end = _ceil(start, coarsest), _floor(end, coarsest)
    if inner_start >= inner_end:
        return pieces(start, end, finer)
    return [
        *pieces(start, inner_start, finer),
        Piece(coarsest, inner_start, inner_end),
        *pieces(inner_end, end, finer),
    ]
