"""Stored intent models: one active per tenant, older versions kept for rollback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.tables import IntentModelRow, utcnow


@dataclass(frozen=True, slots=True)
class IntentModelInfo:
    version: str
    active: bool
    report: dict[str, Any]
    created_at: datetime


def _info(row: IntentModelRow) -> IntentModelInfo:
    return IntentModelInfo(
        version=row.version, active=row.active, report=dict(row.report), created_at=row.created_at
    )


def save_and_activate(
    session: Session, tenant_id: str, version: str, artifact: bytes, report: dict[str, Any]
) -> IntentModelInfo:
    """Store a model (or find the identical one) and make it the tenant's active model."""
    row = session.scalar(
        select(IntentModelRow).where(
            IntentModelRow.tenant_id == tenant_id, IntentModelRow.version == version
        )
    )
    if row is None:
        row = IntentModelRow(
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
    return activate(session, tenant_id, version)


def activate(session: Session, tenant_id: str, version: str) -> IntentModelInfo:
    row = session.scalar(
        select(IntentModelRow).where(
            IntentModelRow.tenant_id == tenant_id, IntentModelRow.version == version
        )
    )
    if row is None:
        raise NotFoundError(f"no intent model {version!r} for this tenant")
    session.execute(
        update(IntentModelRow)
        .where(IntentModelRow.tenant_id == tenant_id, IntentModelRow.id != row.id)
        .values(active=False)
    )
    row.active = True
    session.flush()
    return _info(row)


def active(session: Session, tenant_id: str) -> IntentModelInfo | None:
    row = session.scalar(
        select(IntentModelRow).where(
            IntentModelRow.tenant_id == tenant_id, IntentModelRow.active.is_(True)
        )
    )
    return None if row is None else _info(row)


def artifact(session: Session, tenant_id: str, version: str) -> bytes:
    data = session.scalar(
        select(IntentModelRow.artifact).where(
            IntentModelRow.tenant_id == tenant_id, IntentModelRow.version == version
        )
    )
    if data is None:
        raise NotFoundError(f"no intent model {version!r} for this tenant")
    return data


def list_models(session: Session, tenant_id: str) -> list[IntentModelInfo]:
    rows = session.scalars(
        select(IntentModelRow)
        .where(IntentModelRow.tenant_id == tenant_id)
        .order_by(IntentModelRow.created_at.desc())
    )
    return [_info(r) for r in rows]
