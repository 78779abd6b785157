"""Background job records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.ops_tables import JobFileRow
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import JobRow, utcnow

FINISHED = frozenset({"succeeded", "failed", "cancelled"})


@dataclass(frozen=True, slots=True)
class JobInfo:
    id: str
    kind: str
    status: str  # queued | running | cancelling | succeeded | failed | cancelled
    total: int
    done: int
    result: dict[str, Any]
    error: str | None
    created_at: datetime
    updated_at: datetime
    owner: str | None = None  # the process running it, for the in-process queue


def _info(row: JobRow) -> JobInfo:
    return from_row(JobInfo, row, result=dict(row.result or {}))


def create(
    session: Session, tenant_id: str, kind: str, total: int, owner: str | None = None
) -> JobInfo:
    now = utcnow()
    row = JobRow(
        id=new_id(),
        tenant_id=tenant_id,
        kind=kind,
        status="queued",
        total=total,
        done=0,
        result={},
        owner=owner,
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
    """A finished job's stored files go with it, however it finished."""
    session.execute(update(JobRow).where(JobRow.id == job_id).values(updated_at=utcnow(), **values))
    if values.get("status") in FINISHED:
        session.execute(delete(JobFileRow).where(JobFileRow.job_id == job_id))


def add_files(
    session: Session, tenant_id: str, job_id: str, files: Sequence[tuple[str, bytes]]
) -> None:
    """Store the files a job works through, once, at positions 0, 1, ..."""
    if files:
        rows = [
            {"job_id": job_id, "position": n, "tenant_id": tenant_id, "uri": uri, "data": data}
            for n, (uri, data) in enumerate(files)
        ]
        session.execute(insert(JobFileRow), rows)


def file_at(session: Session, tenant_id: str, job_id: str, position: int) -> tuple[str, bytes]:
    row = session.execute(
        select(JobFileRow.uri, JobFileRow.data).where(
            JobFileRow.tenant_id == tenant_id,
            JobFileRow.job_id == job_id,
            JobFileRow.position == position,
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"job {job_id!r} has no file {position}")
    return str(row.uri), bytes(row.data)


def file_count(session: Session, job_id: str) -> int:
    """How many stored files the job still holds (none once it finished)."""
    found = session.scalar(
        select(func.count()).select_from(JobFileRow).where(JobFileRow.job_id == job_id)
    )
    return int(found or 0)


def get_any_tenant(session: Session, job_id: str) -> JobInfo:
    """A job by id alone: for the process that submitted it (waiting), never for a request."""
    row = session.get(JobRow, job_id)
    if row is None:
        raise NotFoundError(f"job {job_id!r} not found")
    return _info(row)


def unfinished(session: Session, tenant_id: str) -> int:
    """How many of the tenant's jobs are queued or running: its place in the fair queue."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(JobRow)
            .where(
                JobRow.tenant_id == tenant_id,
                JobRow.status.in_(("queued", "running", "cancelling")),
            )
        )
        or 0
    )


def owned_unfinished(session: Session) -> list[JobInfo]:
    """Every tenant's queued or running jobs that name an owning process."""
    rows = session.scalars(
        select(JobRow).where(
            JobRow.owner.is_not(None), JobRow.status.in_(("queued", "running", "cancelling"))
        )
    )
    return [_info(row) for row in rows]
