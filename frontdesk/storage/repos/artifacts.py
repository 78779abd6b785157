"""Versioned model artifacts of a tenant: at most one active, older versions kept so a
rollback or roll-forward needs no training. Shared by the intent models
(:mod:`frontdesk.storage.repos.intents`) and the retrieval adapters
(:mod:`frontdesk.storage.repos.adapters`), whose tables have the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.tables import ArtifactColumns, utcnow


@dataclass(frozen=True, slots=True)
class ArtifactInfo:
    version: str
    active: bool
    report: dict[str, Any]
    created_at: datetime


RowT = TypeVar("RowT", bound=ArtifactColumns)


def info(row: ArtifactColumns) -> ArtifactInfo:
    return ArtifactInfo(row.version, row.active, dict(row.report), row.created_at)


class Artifacts(Generic[RowT]):
    """The queries over one artifact table; ``noun`` names an artifact in errors."""

    def __init__(self, table: type[RowT], noun: str) -> None:
        self.table = table
        self.noun = noun

    def save(
        self,
        session: Session,
        tenant_id: str,
        version: str,
        artifact: bytes,
        report: dict[str, Any],
    ) -> RowT:
        """Store an artifact (or find the identical one), not active yet."""
        row = self.row(session, tenant_id, version)
        if row is None:
            row = self.table(
                id=new_id(),
                tenant_id=tenant_id,
                version=version,
                artifact=artifact,
                report=report,
                active=False,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
        return row

    def activate(self, session: Session, tenant_id: str, version: str) -> RowT:
        """Make ``version`` the tenant's active one (and no other)."""
        row = self.row(session, tenant_id, version)
        if row is None:
            raise NotFoundError(f"no {self.noun} {version!r} for this tenant")
        table = self.table
        session.execute(
            update(table)
            .where(table.tenant_id == tenant_id, table.id != row.id)
            .values(active=False)
        )
        row.active = True
        session.flush()
        return row

    def active(self, session: Session, tenant_id: str) -> ArtifactInfo | None:
        table = self.table
        row = session.scalar(
            select(table).where(table.tenant_id == tenant_id, table.active.is_(True))
        )
        return None if row is None else info(row)

    def active_version(self, session: Session, tenant_id: str) -> str | None:
        """The active version without loading its report or its bytes."""
        table = self.table
        found: str | None = session.scalar(
            select(table.version).where(table.tenant_id == tenant_id, table.active.is_(True))
        )
        return found

    def artifact(self, session: Session, tenant_id: str, version: str) -> bytes:
        table = self.table
        data: bytes | None = session.scalar(
            select(table.artifact).where(table.tenant_id == tenant_id, table.version == version)
        )
        if data is None:
            raise NotFoundError(f"no {self.noun} {version!r} for this tenant")
        return data

    def list(self, session: Session, tenant_id: str) -> list[ArtifactInfo]:
        """Newest first."""
        table = self.table
        rows = session.scalars(
            select(table).where(table.tenant_id == tenant_id).order_by(table.created_at.desc())
        )
        return [info(r) for r in rows]

    def row(self, session: Session, tenant_id: str, version: str) -> RowT | None:
        table = self.table
        found: RowT | None = session.scalar(
            select(table).where(table.tenant_id == tenant_id, table.version == version)
        )
        return found
