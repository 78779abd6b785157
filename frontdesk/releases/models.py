"""What a tenant's release serves besides its config: the tenant's own trained models.

A release is shared data (``config.py``) and its digest names its parameters only. The
models trained on one tenant's data, the intent model (``intents train``) and the
retrieval adapter (``knowledge adapt``), are versioned apart, per tenant, and activated or
reverted without a new release, so they are named beside the release wherever a release is
named for what it served: ``frontdesk eval``'s report (``release.models``), the serving
status (``releases status``, ``GET /v1/releases/status``) and each turn's trace (the
intent stage's ``intent_model``, the retrieve stage's ``encoder``). ``None``: the base one.
"""

from __future__ import annotations

from frontdesk.storage.db import Database
from frontdesk.storage.repos import adapters, intents


def tenant_models(database: Database, tenant_id: str) -> dict[str, str | None]:
    """The versions of the tenant's active intent model and retrieval adapter."""
    with database.transaction() as session:
        model = intents.active(session, tenant_id)
        return {
            "intent_model": None if model is None else model.version,
            "retrieval_adapter": adapters.active_version(session, tenant_id),
        }
