"""The append-only audit log: rows are added, never updated or deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.domain.release import Actor, AuditEntry
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import AuditRow, utcnow


def append(
    session: Session,
    tenant_id: str,
    actor: Actor,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditRow(
            tenant_id=tenant_id,
            actor=actor.name[:100],
            role=actor.role[:16],
            action=action,
            target=target[:100],
            before=before,
            after=after,
            created_at=utcnow(),
        )
    )


def list_recent(session: Session, tenant_id: str, limit: int = 100) -> list[AuditEntry]:
    """Newest first."""
    rows = session.scalars(
        select(AuditRow)
        .where(AuditRow.tenant_id == tenant_id)
        .order_by(AuditRow.id.desc())
        .limit(limit)
    )
    return [from_row(AuditEntry, row) for row in rows]
