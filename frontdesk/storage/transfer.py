"""Copy every table of one Frontdesk database into another, then prove the copy.

``frontdesk migrate-to`` moves an embedded (SQLite) install into PostgreSQL with this: the
target is migrated to the same schema first, every table the models know is copied in
foreign-key order inside one target transaction (all or nothing), sequences are moved past
the copied ids, and then each table is read back from both sides and compared by row
count and by a checksum of its rows. The checksum is order-free (the sum of one SHA-256
per row), so the two engines' different string collations do not matter, and it is
computed over the values as the models read them (UTC datetimes, decoded JSON, bytes),
so a row that changed on the way shows up as a mismatch.

Derived data is not copied: the PostgreSQL search tables are rebuilt from ``chunks`` by
the knowledge search, and the alembic version is the target's own.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Connection, Null, Table, func, inspect, null, select, text
from sqlalchemy.exc import SQLAlchemyError

from frontdesk.errors import ConfigurationError, ConflictError
from frontdesk.storage import (  # noqa: F401
    cache_tables,
    integration_tables,
    ops_tables,
    release_tables,
    vector_tables,
)
from frontdesk.storage.db import Database
from frontdesk.storage.tables import Base

_BATCH = 1000
_MODULUS = 2**256
_FLAG = "_transfer_sql_null_"
Progress = Callable[[str, int], None]  # (table, rows copied so far)


@dataclass(frozen=True)
class TableCheck:
    """One table on both sides: row counts and order-free checksums."""

    name: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def verified(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


@dataclass(frozen=True)
class TransferReport:
    tables: list[TableCheck]
    # Tables in the source the models do not know (left behind, named in the report).
    unknown: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return all(table.verified for table in self.tables)

    @property
    def rows(self) -> int:
        return sum(table.target_rows for table in self.tables)


def tables() -> list[Table]:
    """Every Frontdesk table, parents before children."""
    return list(Base.metadata.sorted_tables)


def _canonical(value: Any) -> Any:
    """A JSON-able form that is the same whichever engine the value was read from."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Null):
        return {"sql": "NULL"}
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return str(value)


def _nullable_json(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, JSON) and c.nullable]


def _rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """The table's rows as the models read them. A nullable JSON column reads SQL NULL
    and JSON ``null`` both as ``None``: SQL NULL comes back as :func:`null` instead, so
    the copy writes what it read and the checksum tells the two apart."""
    json_columns = _nullable_json(table)
    flags = [table.c[name].is_(None).label(f"{_FLAG}{name}") for name in json_columns]
    result = connection.execution_options(yield_per=_BATCH).execute(select(table, *flags))
    for mapping in result.mappings():
        row = dict(mapping)
        for name in json_columns:
            if row.pop(f"{_FLAG}{name}"):
                row[name] = null()
        yield row


def checksum(connection: Connection, table: Table) -> tuple[int, str]:
    """The table's row count and the hex sum of its rows' SHA-256 digests."""
    names = [column.name for column in table.columns]
    total, count = 0, 0
    for row in _rows(connection, table):
        encoded = json.dumps([_canonical(row[name]) for name in names], separators=(",", ":"))
        total = (total + int.from_bytes(hashlib.sha256(encoded.encode()).digest())) % _MODULUS
        count += 1
    return count, f"{total:064x}"


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for table in tables()
    }


def _copy_table(
    source: Connection, target: Connection, table: Table, progress: Progress | None
) -> None:
    batch: list[dict[str, Any]] = []
    copied = 0
    for row in _rows(source, table):
        batch.append(row)
        if len(batch) >= _BATCH:
            target.execute(table.insert(), batch)
            copied += len(batch)
            batch = []
            if progress:
                progress(table.name, copied)
    if batch:
        target.execute(table.insert(), batch)
        copied += len(batch)
    if progress:
        progress(table.name, copied)


def _advance_sequences(target: Connection) -> None:
    """Integer ids the target generates continue after the copied ones."""
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is not True:
                continue
            target.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:table, :column), max_id)"
                    f' FROM (SELECT max("{column.name}") AS max_id FROM "{table.name}") m'
                    " WHERE max_id IS NOT NULL"
                ),
                {"table": table.name, "column": column.name},
            )


def copy_database(
    source: Database,
    target: Database,
    *,
    replace: bool = False,
    progress: Progress | None = None,
) -> TransferReport:
    """Copy ``source`` into ``target`` (migrated here first) and verify every table.

    Refuses a target holding rows unless ``replace`` (its Frontdesk tables are emptied
    first); refuses a source whose schema is not current. Raises if the copy fails, with
    the target unchanged; returns the per-table comparison otherwise.
    """
    if target.is_sqlite:
        raise ConfigurationError("the target must be a PostgreSQL database (postgresql://…)")
    current, head = source.current_revision(), source.head_revision()
    if current != head:
        raise ConfigurationError(
            f"the source database's schema is at {current or 'nothing'}, this version needs "
            f"{head}: run 'frontdesk init' on it first"
        )
    target.migrate()
    with target.engine.connect() as connection:
        holding = {name: n for name, n in row_counts(connection).items() if n}
    if holding and not replace:
        listed = ", ".join(f"{name} ({n})" for name, n in sorted(holding.items()))
        raise ConflictError(
            f"the target database is not empty: {listed}. Copy into an empty database, "
            "or pass --replace to delete its Frontdesk data first"
        )
    known = {table.name for table in tables()}
    with source.engine.connect() as connection:
        unknown = sorted(
            name
            for name in inspect(connection).get_table_names()
            if name not in known and name != "alembic_version"
        )
    # One read snapshot of the source, one all-or-nothing transaction on the target.
    with source.engine.connect() as reader, reader.begin(), target.engine.begin() as writer:
        if holding:
            names = ", ".join(f'"{table.name}"' for table in tables())
            writer.execute(text(f"TRUNCATE {names} CASCADE"))
        for table in tables():
            try:
                _copy_table(reader, writer, table, progress)
            except SQLAlchemyError as exc:
                first_line = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
                raise ConfigurationError(
                    f"copying table {table.name} failed, nothing was written: {first_line}"
                ) from None
        _advance_sequences(writer)
    checks = []
    with source.engine.connect() as reader, target.engine.connect() as writer:
        for table in tables():
            source_rows, source_sum = checksum(reader, table)
            target_rows, target_sum = checksum(writer, table)
            checks.append(TableCheck(table.name, source_rows, target_rows, source_sum, target_sum))
    return TransferReport(checks, unknown)
