"""Rows to domain records: the one place that copies columns into a frozen dataclass."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def from_row(record: type[R], row: object, **converted: Any) -> R:
    """A ``record`` whose fields are the ``row`` attributes of the same name, except those
    given in ``converted`` (a column that needs an enum or a copy, or is named otherwise)."""
    copied = {f.name: getattr(row, f.name) for f in fields(record) if f.name not in converted}
    return record(**copied, **converted)
