"""The audit log of registry changes: who (key id and role, an operator, or the system)
did what to which release or rollout, when, with before and after. Entries are written in
the same transaction as the change they describe, so one never exists without the other."""

from __future__ import annotations

from frontdesk.domain.release import AuditEntry
from frontdesk.errors import InvalidInputError
from frontdesk.storage.db import Database
from frontdesk.storage.repos import audit as repo

MAX_LIST = 1000


class AuditLog:
    def __init__(self, database: Database) -> None:
        self._db = database

    def list(self, tenant_id: str, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        if not 1 <= limit <= MAX_LIST:
            raise InvalidInputError(f"limit must be 1-{MAX_LIST}", field="limit")
        with self._db.transaction() as session:
            return repo.list_recent(session, tenant_id, limit)
