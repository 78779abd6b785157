"""A tenant's person names for redaction (:class:`~frontdesk.storage.tables.TenantNameRow`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontdesk.guards.pii.listed_names import name_key
from frontdesk.storage.tables import TenantNameRow

SOURCES = ("ticket", "tenant")


def add_names(
    session: Session,
    tenant_id: str,
    names: Iterable[str],
    source: str,
    conversation_id: str | None = None,
    customer_id: str | None = None,
) -> int:
    """Store the names not yet listed; returns how many were new. ``conversation_id``:
    the conversation a ticket name came from, ``customer_id``: the customer of an ingested
    ticket it came from (erasing either removes the name). A name the tenant adds that was
    learned from a ticket becomes the tenant's (it outlives it)."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    keys = {k for k in (name_key(n) for n in names) if len(k) >= 2}
    if not keys:
        return 0
    existing = {
        row.name: row
        for row in session.scalars(
            select(TenantNameRow).where(
                TenantNameRow.tenant_id == tenant_id, TenantNameRow.name.in_(keys)
            )
        )
    }
    for key in keys - set(existing):
        session.add(
            TenantNameRow(
                tenant_id=tenant_id,
                name=key,
                source=source,
                conversation_id=conversation_id,
                customer_id=customer_id,
            )
        )
    if source == "tenant":
        for row in existing.values():
            row.source, row.conversation_id, row.customer_id = "tenant", None, None
    session.flush()
    return len(keys - set(existing))


def list_names(session: Session, tenant_id: str) -> list[tuple[str, str]]:
    """(name, source) of every listed name of the tenant, by name."""
    rows = session.execute(
        select(TenantNameRow.name, TenantNameRow.source)
        .where(TenantNameRow.tenant_id == tenant_id)
        .order_by(TenantNameRow.name)
    )
    return [(name, source) for name, source in rows]


def remove_names(session: Session, tenant_id: str, names: Iterable[str]) -> int:
    keys = {name_key(n) for n in names}
    result = session.execute(
        delete(TenantNameRow).where(
            TenantNameRow.tenant_id == tenant_id, TenantNameRow.name.in_(keys)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)  # as the other repos read it


def remove_customer_names(session: Session, tenant_id: str, customer_id: str) -> int:
    """The names that ingested tickets of ``customer_id`` taught the list."""
    result = session.execute(
        delete(TenantNameRow).where(
            TenantNameRow.tenant_id == tenant_id,
            TenantNameRow.customer_id == customer_id,
            TenantNameRow.source == "ticket",
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
