"""Background job records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import JobRow, utcnow


@dataclass(frozen=True, slots=True)
class JobInfo:
    id: str
    kind: str
    status: str  # queued | running | succeeded | failed
    total: int
    done: int
    result: dict[str, Any]
    error: str | None
    created_at: datetime
    updated_at: datetime


def _info(row: JobRow) -> JobInfo:
    return from_row(JobInfo, row, result=dict(row.result or {}))


def create(session: Session, tenant_id: str, kind: str, total: int) -> JobInfo:
    now = utcnow()
    row = JobRow(
        id=new_id(),
        tenant_id=tenant_id,
        kind=kind,
        status="queued",
        total=total,
        done=0,
        result={},
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return _info(row)


def get(session: Session, tenant_id: str, job_id: str) -> JobInfo:
    row = session.scalar(select(JobRow).where(JobRow.tenant_id == tenant_id, JobRow.id == job_id))
    if row is None:
        raise NotFoundError(f"job {job_id!r} not found")
    return _info(row)


def set_state(session: Session, job_id: str, **values: Any) -> None:
    session.execute(update(JobRow).where(JobRow.id == job_id).values(updated_at=utcnow(), **values))
