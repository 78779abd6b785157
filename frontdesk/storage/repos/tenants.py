"""Tenants and their API keys."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdesk.domain.tenant import ApiKeyInfo, KeyRole, Tenant, TenantSettings
from frontdesk.errors import ConflictError, InvalidInputError, NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import ApiKeyRow, TenantRow, utcnow

TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        settings=TenantSettings.model_validate(row.settings or {}),
    )


def _key(row: ApiKeyRow, tenant_name: str) -> ApiKeyInfo:
    return from_row(ApiKeyInfo, row, tenant_name=tenant_name, role=KeyRole(row.role))


def create_tenant(session: Session, name: str) -> Tenant:
    if not TENANT_NAME.match(name):
        raise InvalidInputError(
            f"tenant name {name!r} must be 1-63 lowercase letters, digits, '-' or '_'",
            field="name",
        )
    if session.scalar(select(TenantRow.id).where(TenantRow.name == name)) is not None:
        raise ConflictError(f"tenant {name!r} already exists")
    row = TenantRow(id=new_id(), name=name, settings={}, created_at=utcnow())
    session.add(row)
    session.flush()
    return _tenant(row)


def get_tenant_by_name(session: Session, name: str) -> Tenant:
    row = session.scalar(select(TenantRow).where(TenantRow.name == name))
    if row is None:
        raise NotFoundError(f"no tenant named {name!r}; create it with: frontdesk tenants create")
    return _tenant(row)


def get_tenant(session: Session, tenant_id: str) -> Tenant:
    row = session.get(TenantRow, tenant_id)
    if row is None:
        raise NotFoundError("tenant not found")
    return _tenant(row)


def update_settings(session: Session, tenant_id: str, settings: TenantSettings) -> Tenant:
    row = session.get(TenantRow, tenant_id)
    if row is None:
        raise NotFoundError("tenant not found")
    row.settings = settings.model_dump(mode="json")
    session.flush()
    return _tenant(row)


def list_tenants(session: Session) -> list[Tenant]:
    return [_tenant(r) for r in session.scalars(select(TenantRow).order_by(TenantRow.name))]


def add_key(
    session: Session, tenant: Tenant, role: KeyRole, name: str, prefix: str, key_hash: str
) -> ApiKeyInfo:
    row = ApiKeyRow(
        id=new_id(),
        tenant_id=tenant.id,
        role=role.value,
        name=name,
        prefix=prefix,
        key_hash=key_hash,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _key(row, tenant.name)


def list_keys(session: Session, tenant: Tenant, include_revoked: bool = True) -> list[ApiKeyInfo]:
    query = select(ApiKeyRow).where(ApiKeyRow.tenant_id == tenant.id)
    if not include_revoked:
        query = query.where(ApiKeyRow.revoked_at.is_(None))
    rows = session.scalars(query.order_by(ApiKeyRow.created_at, ApiKeyRow.id))
    return [_key(r, tenant.name) for r in rows]


def revoke_key(session: Session, tenant: Tenant, key_id_or_prefix: str) -> ApiKeyInfo:
    """Revoke by id or by the displayed prefix; revoking twice is harmless."""
    rows = list(
        session.scalars(
            select(ApiKeyRow).where(
                ApiKeyRow.tenant_id == tenant.id,
                (ApiKeyRow.id == key_id_or_prefix) | (ApiKeyRow.prefix == key_id_or_prefix),
            )
        )
    )
    if not rows:
        raise NotFoundError(f"no API key {key_id_or_prefix!r} for tenant {tenant.name!r}")
    if len(rows) > 1:
        raise ConflictError(f"{key_id_or_prefix!r} matches several keys; revoke by id instead")
    row = rows[0]
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return _key(row, tenant.name)


def find_key_by_hash(session: Session, key_hash: str) -> ApiKeyInfo | None:
    """The key with this hash and its tenant, or None. Revoked keys are returned too, so
    the caller can say "revoked" rather than "unknown"."""
    found = session.execute(
        select(ApiKeyRow, TenantRow.name)
        .join(TenantRow, TenantRow.id == ApiKeyRow.tenant_id)
        .where(ApiKeyRow.key_hash == key_hash)
    ).first()
    if found is None:
        return None
    row, tenant_name = found
    return _key(row, tenant_name)


def touch_key(session: Session, key_id: str) -> None:
    row = session.get(ApiKeyRow, key_id)
    if row is not None:
        row.last_used_at = utcnow()
