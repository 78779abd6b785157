from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from frontdesk.storage.records import from_row


@dataclass(frozen=True, slots=True)
class _Record:
    id: str
    status: str
    tags: list[str]


def test_copies_the_row_attributes_named_like_the_fields() -> None:
    row = SimpleNamespace(id="r1", status="open", tags=["a"], unrelated=1)
    assert from_row(_Record, row) == _Record(id="r1", status="open", tags=["a"])


def test_converted_values_win_over_the_row() -> None:
    row = SimpleNamespace(id="r1", status="open", tags=None)
    record = from_row(_Record, row, status="OPEN", tags=list(row.tags or []))
    assert record == _Record(id="r1", status="OPEN", tags=[])


def test_a_field_the_row_lacks_is_an_error_not_a_default() -> None:
    with pytest.raises(AttributeError):
        from_row(_Record, SimpleNamespace(id="r1", status="open"))
