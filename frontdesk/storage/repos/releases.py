"""Stored releases, their labels, the per-tenant change counter and the eval set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from frontdesk.domain.release import Label, StoredRelease
from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.release_tables import ReleaseLabelRow, ReleaseRow, ReleaseStateRow
from frontdesk.storage.tables import EvalSetRow, utcnow


def _release(row: ReleaseRow) -> StoredRelease:
    return from_row(StoredRelease, row, config=dict(row.config), gate=dict(row.gate or {}))


def next_number(session: Session, tenant_id: str) -> int:
    """Call under :func:`lock_state` so two creations never race for one number."""
    highest = session.scalar(
        select(func.max(ReleaseRow.number)).where(ReleaseRow.tenant_id == tenant_id)
    )
    return (highest or 0) + 1


def create(
    session: Session,
    tenant_id: str,
    *,
    number: int,
    name: str,
    config: dict[str, Any],
    gate: dict[str, Any],
    digest: str,
    created_by: str,
) -> StoredRelease:
    row = ReleaseRow(
        id=new_id(),
        tenant_id=tenant_id,
        number=number,
        name=name,
        config=config,
        gate=gate,
        digest=digest,
        created_by=created_by,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _release(row)


def get(session: Session, tenant_id: str, number: int) -> StoredRelease:
    row = session.scalar(
        select(ReleaseRow).where(ReleaseRow.tenant_id == tenant_id, ReleaseRow.number == number)
    )
    if row is None:
        raise NotFoundError(f"release {number} not found")
    return _release(row)


def list_all(session: Session, tenant_id: str) -> list[StoredRelease]:
    rows = session.scalars(
        select(ReleaseRow).where(ReleaseRow.tenant_id == tenant_id).order_by(ReleaseRow.number)
    )
    return [_release(row) for row in rows]


def labels(session: Session, tenant_id: str) -> dict[Label, tuple[int, int | None]]:
    """Each set label's release number and the number it pointed at before."""
    rows = session.scalars(select(ReleaseLabelRow).where(ReleaseLabelRow.tenant_id == tenant_id))
    return {Label(row.label): (row.number, row.previous) for row in rows}


def set_label(session: Session, tenant_id: str, label: Label, number: int | None) -> None:
    """Point ``label`` at ``number`` (``None`` removes it), remembering where it was."""
    row = session.get(ReleaseLabelRow, (tenant_id, label.value))
    if number is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(
            ReleaseLabelRow(
                tenant_id=tenant_id, label=label.value, number=number, updated_at=utcnow()
            )
        )
    elif row.number != number:
        row.previous, row.number, row.updated_at = row.number, number, utcnow()


def restore_previous(session: Session, tenant_id: str, label: Label) -> int | None:
    """Point ``label`` back at its previous number (forgetting it); None if there is none."""
    row = session.get(ReleaseLabelRow, (tenant_id, label.value))
    if row is None or row.previous is None:
        return None
    row.number, row.previous, row.updated_at = row.previous, None, utcnow()
    return row.number


def lock_state(session: Session, tenant_id: str) -> None:
    """Serialise registry changes of one tenant (row lock on PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serialises writers)."""
    if session.get(ReleaseStateRow, tenant_id) is None:
        session.add(ReleaseStateRow(tenant_id=tenant_id, version=0))
        session.flush()
    session.execute(
        select(ReleaseStateRow.version)
        .where(ReleaseStateRow.tenant_id == tenant_id)
        .with_for_update()
    )


def bump_version(session: Session, tenant_id: str) -> None:
    """Tell every replica that the tenant's labels or rollout changed."""
    lock_state(session, tenant_id)
    session.execute(
        update(ReleaseStateRow)
        .where(ReleaseStateRow.tenant_id == tenant_id)
        .values(version=ReleaseStateRow.version + 1)
    )


def version(session: Session, tenant_id: str) -> int:
    """The cheap row a replica polls: 0 for a tenant that never touched its registry."""
    value = session.scalar(
        select(ReleaseStateRow.version).where(ReleaseStateRow.tenant_id == tenant_id)
    )
    return value or 0


def save_eval_set(session: Session, tenant_id: str, rows: str, uploaded_by: str) -> None:
    row = session.get(EvalSetRow, tenant_id)
    if row is None:
        session.add(
            EvalSetRow(
                tenant_id=tenant_id, rows=rows, uploaded_by=uploaded_by, uploaded_at=utcnow()
            )
        )
    else:
        row.rows, row.uploaded_by, row.uploaded_at = rows, uploaded_by, utcnow()


def eval_set(session: Session, tenant_id: str) -> str | None:
    row = session.get(EvalSetRow, tenant_id)
    return None if row is None else row.rows
