"""Stored retrieval adapters: at most one active per tenant, older versions kept so a
revert or roll-forward needs no training. Activating or reverting bumps the tenant's
knowledge version, so every replica rebuilds its index (and drops its cached answers).
Only the active adapter and the previous one (the last other one activated) keep their
passage vectors (:func:`unkept`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.repos.knowledge import bump_version
from frontdesk.storage.tables import utcnow
from frontdesk.storage.vector_tables import RetrievalAdapterRow


@dataclass(frozen=True, slots=True)
class AdapterInfo:
    version: str
    active: bool
    report: dict[str, Any]
    created_at: datetime


def _info(row: RetrievalAdapterRow) -> AdapterInfo:
    return AdapterInfo(row.version, row.active, dict(row.report), row.created_at)


def save(
    session: Session, tenant_id: str, version: str, artifact: bytes, report: dict[str, Any]
) -> AdapterInfo:
    """Store an adapter (or find the identical one), not active yet."""
    row = _row(session, tenant_id, version)
    if row is None:
        row = RetrievalAdapterRow(
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
    return _info(row)


def activate(session: Session, tenant_id: str, version: str) -> AdapterInfo:
    row = _row(session, tenant_id, version)
    if row is None:
        raise NotFoundError(f"no retrieval adapter {version!r} for this tenant")
    session.execute(
        update(RetrievalAdapterRow)
        .where(RetrievalAdapterRow.tenant_id == tenant_id, RetrievalAdapterRow.id != row.id)
        .values(active=False)
    )
    row.active = True
    row.activated_at = utcnow()
    bump_version(session, tenant_id)
    session.flush()
    return _info(row)


def deactivate(session: Session, tenant_id: str) -> AdapterInfo | None:
    """Back to the base encoder; the adapter that was active (None if none was)."""
    current = active(session, tenant_id)
    if current is None:
        return None
    session.execute(
        update(RetrievalAdapterRow)
        .where(RetrievalAdapterRow.tenant_id == tenant_id)
        .values(active=False)
    )
    bump_version(session, tenant_id)
    return current


def active(session: Session, tenant_id: str) -> AdapterInfo | None:
    row = session.scalar(
        select(RetrievalAdapterRow).where(
            RetrievalAdapterRow.tenant_id == tenant_id, RetrievalAdapterRow.active.is_(True)
        )
    )
    return None if row is None else _info(row)


def active_version(session: Session, tenant_id: str) -> str | None:
    """The active adapter's version without loading its report (the index rebuild's check)."""
    return session.scalar(
        select(RetrievalAdapterRow.version).where(
            RetrievalAdapterRow.tenant_id == tenant_id, RetrievalAdapterRow.active.is_(True)
        )
    )


def active_row(session: Session, tenant_id: str) -> tuple[str, str] | None:
    """The active adapter's (id, version): what the PostgreSQL search keys its vectors by."""
    found = session.execute(
        select(RetrievalAdapterRow.id, RetrievalAdapterRow.version).where(
            RetrievalAdapterRow.tenant_id == tenant_id, RetrievalAdapterRow.active.is_(True)
        )
    ).first()
    return None if found is None else (found[0], found[1])


def unkept(session: Session, tenant_id: str) -> list[tuple[str, str]]:
    """(id, version) of the adapters whose vectors may go: all but the active one and the
    previous one (the most recently activated of the others; newest stored without one)."""
    rows = session.execute(
        select(
            RetrievalAdapterRow.id,
            RetrievalAdapterRow.version,
            RetrievalAdapterRow.active,
            RetrievalAdapterRow.activated_at,
            RetrievalAdapterRow.created_at,
        ).where(RetrievalAdapterRow.tenant_id == tenant_id)
    ).all()
    others = sorted(
        (r for r in rows if not r.active),
        key=lambda r: (r.activated_at is not None, r.activated_at or r.created_at, r.created_at),
        reverse=True,
    )
    return [(r.id, r.version) for r in others[1:]]


def artifact(session: Session, tenant_id: str, version: str) -> bytes:
    data = session.scalar(
        select(RetrievalAdapterRow.artifact).where(
            RetrievalAdapterRow.tenant_id == tenant_id, RetrievalAdapterRow.version == version
        )
    )
    if data is None:
        raise NotFoundError(f"no retrieval adapter {version!r} for this tenant")
    return data


def list_adapters(session: Session, tenant_id: str) -> list[AdapterInfo]:
    rows = session.scalars(
        select(RetrievalAdapterRow)
        .where(RetrievalAdapterRow.tenant_id == tenant_id)
        .order_by(RetrievalAdapterRow.created_at.desc())
    )
    return [_info(r) for r in rows]


def _row(session: Session, tenant_id: str, version: str) -> RetrievalAdapterRow | None:
    return session.scalar(
        select(RetrievalAdapterRow).where(
            RetrievalAdapterRow.tenant_id == tenant_id, RetrievalAdapterRow.version == version
        )
    )
