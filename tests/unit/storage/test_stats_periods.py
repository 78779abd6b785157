"""A range of whole hours splits into disjoint pieces that cover it exactly, each read
from the coarsest rollup rows that fit, never coarser than asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from frontdesk.storage.repos.stats_periods import Grain, months, next_month, pieces


def _at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_a_ragged_year_reads_hours_then_days_then_months_then_days_then_hours() -> None:
    start, end = _at(2025, 11, 20, 7), _at(2026, 11, 20, 15)
    found = pieces(start, end)
    assert [(p.grain, p.start, p.end) for p in found] == [
        ("hour", start, _at(2025, 11, 21)),
        ("day", _at(2025, 11, 21), _at(2025, 12, 1)),
        ("month", _at(2025, 12, 1), _at(2026, 11, 1)),
        ("day", _at(2026, 11, 1), _at(2026, 11, 20)),
        ("hour", _at(2026, 11, 20), end),
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (_at(2026, 1, 1), _at(2027, 1, 1)),  # whole months only
        (_at(2026, 3, 5), _at(2026, 3, 9)),  # whole days inside one month
        (_at(2026, 3, 5, 3), _at(2026, 3, 5, 9)),  # hours inside one day
        (_at(2026, 2, 27, 23), _at(2026, 3, 2, 1)),  # across a month's end, no whole month
        (_at(2025, 12, 31, 22), _at(2026, 2, 1, 2)),  # December into February
    ],
)
@pytest.mark.parametrize("coarsest", ["hour", "day", "month"])
def test_pieces_tile_the_range_and_respect_the_coarsest_grain(
    start: datetime, end: datetime, coarsest: Grain
) -> None:
    found = pieces(start, end, coarsest)
    assert found[0].start == start
    assert found[-1].end == end
    assert all(a.end == b.start for a, b in pairwise(found))
    order = ["hour", "day", "month"]
    assert all(order.index(p.grain) <= order.index(coarsest) for p in found)
    for piece in found:
        assert piece.start < piece.end
        if piece.grain == "day":
            assert piece.start.hour == piece.end.hour == 0
        if piece.grain == "month":
            assert piece.start.day == piece.end.day == 1
            assert piece.start.hour == piece.end.hour == 0


def test_whole_months_are_one_piece_and_empty_ranges_none() -> None:
    assert [p.grain for p in pieces(_at(2026, 1, 1), _at(2027, 1, 1))] == ["month"]
    assert pieces(_at(2026, 1, 1), _at(2026, 1, 1)) == []
    assert next_month(_at(2026, 12, 14, 5)) == _at(2027, 1, 1)
    assert months(_at(2025, 12, 31, 23), _at(2026, 2, 1) + timedelta(hours=1)) == [
        _at(2025, 12, 1),
        _at(2026, 1, 1),
        _at(2026, 2, 1),
    ]
