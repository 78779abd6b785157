"""Stored retrieval adapters: at most one active per tenant, older versions kept so a
revert or roll-forward needs no training. Activating or reverting bumps the tenant's
knowledge version, so every replica rebuilds its index (and drops its cached answers).
Only the active adapter and the previous one (the last other one activated) keep their
passage vectors (:func:`unkept`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdesk.storage.repos.artifacts import ArtifactInfo, Artifacts, info
from frontdesk.storage.repos.knowledge import bump_version
from frontdesk.storage.tables import utcnow
from frontdesk.storage.vector_tables import RetrievalAdapterRow

AdapterInfo = ArtifactInfo
_ADAPTERS = Artifacts(RetrievalAdapterRow, "retrieval adapter")


def save(
    session: Session, tenant_id: str, version: str, artifact: bytes, report: dict[str, Any]
) -> AdapterInfo:
    """Store an adapter (or find the identical one), not active yet."""
    return info(_ADAPTERS.save(session, tenant_id, version, artifact, report))


def activate(session: Session, tenant_id: str, version: str) -> AdapterInfo:
    row = _ADAPTERS.activate(session, tenant_id, version)
    row.activated_at = utcnow()
    bump_version(session, tenant_id)
    session.flush()
    return info(row)


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
    return _ADAPTERS.active(session, tenant_id)


def active_version(session: Session, tenant_id: str) -> str | None:
    """The active adapter's version without loading its report (the index rebuild's check)."""
    return _ADAPTERS.active_version(session, tenant_id)


def artifact(session: Session, tenant_id: str, version: str) -> bytes:
    return _ADAPTERS.artifact(session, tenant_id, version)


def list_adapters(session: Session, tenant_id: str) -> list[AdapterInfo]:
    return _ADAPTERS.list(session, tenant_id)


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
