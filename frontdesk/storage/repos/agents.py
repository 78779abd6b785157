"""Named agent accounts, always filtered by tenant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.domain.agents import Agent
from frontdesk.errors import ConflictError, NotFoundError
from frontdesk.storage.console_tables import AgentRow
from frontdesk.storage.ids import new_id
from frontdesk.storage.tables import ApiKeyRow, utcnow


def _agent(row: AgentRow) -> Agent:
    return Agent(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        email=row.email,
        has_password=bool(row.password_hash),
        created_at=row.created_at,
        disabled_at=row.disabled_at,
    )


def create(session: Session, tenant_id: str, name: str, email: str, password_hash: str) -> Agent:
    if find_row_by_email(session, tenant_id, email) is not None:
        raise ConflictError(f"an agent with e-mail {email!r} already exists")
    row = AgentRow(
        id=new_id(),
        tenant_id=tenant_id,
        name=name,
        email=email,
        password_hash=password_hash,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _agent(row)


def _row(session: Session, tenant_id: str, agent_id: str) -> AgentRow:
    row = session.scalar(
        select(AgentRow).where(AgentRow.tenant_id == tenant_id, AgentRow.id == agent_id)
    )
    if row is None:
        raise NotFoundError(f"agent {agent_id!r} not found")
    return row


def get(session: Session, tenant_id: str, agent_id: str) -> Agent:
    return _agent(_row(session, tenant_id, agent_id))


def find_row_by_email(session: Session, tenant_id: str, email: str) -> AgentRow | None:
    return session.scalar(
        select(AgentRow).where(AgentRow.tenant_id == tenant_id, AgentRow.email == email)
    )


def list_all(session: Session, tenant_id: str) -> list[Agent]:
    rows = session.scalars(
        select(AgentRow).where(AgentRow.tenant_id == tenant_id).order_by(AgentRow.name)
    )
    return [_agent(r) for r in rows]


def update(
    session: Session,
    tenant_id: str,
    agent_id: str,
    *,
    name: str | None = None,
    password_hash: str | None = None,
    disabled: bool | None = None,
) -> Agent:
    row = _row(session, tenant_id, agent_id)
    if name is not None:
        row.name = name
    if password_hash is not None:
        row.password_hash = password_hash
    if disabled is not None:
        row.disabled_at = (row.disabled_at or utcnow()) if disabled else None
    session.flush()
    return _agent(row)


def password_hash(session: Session, tenant_id: str, agent_id: str) -> str:
    return _row(session, tenant_id, agent_id).password_hash


def link_key(session: Session, tenant_id: str, key_id: str, agent_id: str) -> None:
    row = session.scalar(
        select(ApiKeyRow).where(ApiKeyRow.tenant_id == tenant_id, ApiKeyRow.id == key_id)
    )
    if row is None:
        raise NotFoundError(f"API key {key_id!r} not found")
    row.agent_id = agent_id


def revoke_keys(session: Session, tenant_id: str, agent_id: str) -> int:
    """Revoke every key of the agent (disabling them); how many were still active."""
    rows = session.scalars(
        select(ApiKeyRow).where(
            ApiKeyRow.tenant_id == tenant_id,
            ApiKeyRow.agent_id == agent_id,
            ApiKeyRow.revoked_at.is_(None),
        )
    )
    count = 0
    for row in rows:
        row.revoked_at = utcnow()
        count += 1
    return count
