"""Stored intent models: one active per tenant, older versions kept for rollback
(the queries are :class:`frontdesk.storage.repos.artifacts.Artifacts`')."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdesk.storage.repos.artifacts import ArtifactInfo, Artifacts, info
from frontdesk.storage.tables import IntentModelRow

IntentModelInfo = ArtifactInfo
_MODELS = Artifacts(IntentModelRow, "intent model")


def save_and_activate(
    session: Session, tenant_id: str, version: str, artifact: bytes, report: dict[str, Any]
) -> IntentModelInfo:
    """Store a model (or find the identical one) and make it the tenant's active model."""
    _MODELS.save(session, tenant_id, version, artifact, report)
    return activate(session, tenant_id, version)


def activate(session: Session, tenant_id: str, version: str) -> IntentModelInfo:
    return info(_MODELS.activate(session, tenant_id, version))


def active(session: Session, tenant_id: str) -> IntentModelInfo | None:
    return _MODELS.active(session, tenant_id)


def active_version(session: Session, tenant_id: str) -> str | None:
    return _MODELS.active_version(session, tenant_id)


def artifact(session: Session, tenant_id: str, version: str) -> bytes:
    return _MODELS.artifact(session, tenant_id, version)


def list_models(session: Session, tenant_id: str) -> list[IntentModelInfo]:
    return _MODELS.list(session, tenant_id)
