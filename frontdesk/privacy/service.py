"""Erasure and access requests for one customer of a tenant.

A customer is found by the tenant's own customer id (given when the conversation was
created), by one conversation, or by an e-mail address or phone number they wrote: stored
text is redacted, so identifiers are matched through their keyed hashes
(:mod:`frontdesk.guards.pii.identifiers`). Erasure runs in one transaction: everything is
removed, or nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.conversation import Conversation
from frontdesk.domain.release import Actor
from frontdesk.errors import InvalidInputError, NotFoundError
from frontdesk.guards import TextVault
from frontdesk.guards.pii.identifiers import IdentifierHasher
from frontdesk.storage.db import Database
from frontdesk.storage.repos import audit
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import privacy as repo
from frontdesk.storage.repos import tenants as tenants_repo
from frontdesk.storage.tables import utcnow

KINDS = (
    "conversations",
    "turns",
    "tickets",
    "feedback",
    "identifiers",
    "knowledge_flagged",
    "cache_entries",
    "names",  # names their tickets taught the tenant's redaction list
    "knowledge_tickets",  # their resolved tickets ingested from a file, by customer id
    "notes",  # agents' notes on their tickets
    "webhook_events",  # outbox rows naming their conversations
    "helpdesk_messages",  # a help desk's (Chatwoot's) copies of their messages
)


@dataclass(frozen=True, slots=True)
class ErasureRequest:
    """Exactly one of the three says whom to erase."""

    customer_id: str | None = None
    conversation_id: str | None = None
    identifier: str | None = None

    def scope(self) -> tuple[str, str]:
        given = [
            (name, value.strip())
            for name, value in (
                ("customer", self.customer_id),
                ("conversation", self.conversation_id),
                ("identifier", self.identifier),
            )
            if value is not None and value.strip()
        ]
        if len(given) != 1:
            raise InvalidInputError(
                "give exactly one of customer_id, conversation_id or identifier",
                field="customer_id",
            )
        return given[0]


class PrivacyService:
    def __init__(self, database: Database, vault: TextVault, hasher: IdentifierHasher) -> None:
        self._db = database
        self._vault = vault
        self._hasher = hasher

    def erase(
        self, tenant_id: str, request: ErasureRequest, actor: str, *, by: Actor | None = None
    ) -> dict[str, Any]:
        """Remove everything stored about the customer; the receipt counts what went, per
        kind, and is kept as the audit record (the subject only as a keyed hash). ``by``:
        also in the tenant's audit log, with the other admin actions (what kind of subject
        and how much went, never who)."""
        scope, subject = request.scope()
        with self._db.transaction() as session:
            ids = self._conversations(session, tenant_id, scope, subject)
            if scope == "conversation" and not ids:
                raise NotFoundError(f"conversation {subject!r} not found")
            counts = repo.erase_conversations(session, tenant_id, ids)
            if scope == "customer":
                counts.update(repo.erase_ingested_tickets(session, tenant_id, subject))
            elif scope == "identifier":  # also tickets that name them but no customer id
                counts.update(
                    repo.erase_ingested_tickets_naming(
                        session, tenant_id, self._hasher.digest(subject), self._hasher.digests_in
                    )
                )
            removed = {kind: int(counts.get(kind, 0)) for kind in KINDS}
            record = repo.record_erasure(
                session,
                tenant_id,
                actor=actor,
                scope=scope,
                subject_digest=self._hasher.digest(subject),
                removed=removed,
            )
            if by is not None:
                audit.append(
                    session,
                    tenant_id,
                    by,
                    "privacy.erase",
                    f"erasure {record['id']}",
                    after={"scope": scope, "removed": removed},
                )
        self._db.purge_deleted()
        return {**record, "scope": scope, "removed": removed}

    def export(
        self, tenant_id: str, *, customer_id: str | None = None, identifier: str | None = None
    ) -> dict[str, Any]:
        """Everything stored about one customer, originals decrypted: the archive for a
        data-subject access request."""
        scope, subject = ErasureRequest(customer_id=customer_id, identifier=identifier).scope()
        with self._db.transaction() as session:
            ids = self._conversations(session, tenant_id, scope, subject)
            ingested = (
                repo.ingested_tickets_of(session, tenant_id, subject)
                if scope == "customer"
                else repo.ingested_tickets_naming(
                    session, tenant_id, self._hasher.digest(subject), self._hasher.digests_in
                )
            )
            if not ids and not ingested:
                raise NotFoundError(f"nothing is stored about {scope} {subject!r}")
            conversations = [conversations_repo.get(session, tenant_id, i) for i in ids]
            metadata = repo.metadata_of(session, tenant_id, ids)
            tickets = repo.tickets_of(session, tenant_id, ids)
            feedback = repo.feedback_of(session, tenant_id, ids)
            knowledge_tickets = [
                {
                    "ticket": str(c.metadata_.get("ticket", "")),
                    "customer_message": str(c.metadata_.get("question", "")),
                    "agent_reply": str(c.metadata_.get("answer", "")),
                }
                for c in ingested
            ]
        return {
            "subject": {scope: subject},
            "conversations": [self._conversation(c, metadata.get(c.id, {})) for c in conversations],
            "tickets": [
                {
                    "id": t.id,
                    "conversation_id": t.conversation_id,
                    "status": t.status,
                    "reason": t.reason,
                    "summary": t.summary,
                    "created_at": t.created_at.isoformat(),
                }
                for t in tickets
            ],
            "feedback": [
                {
                    "conversation_id": f.conversation_id,
                    "turn_id": f.turn_id,
                    "kind": f.kind,
                    "value": f.value,
                    "comment": f.comment,
                    "created_at": f.created_at.isoformat(),
                }
                for f in feedback
            ],
            # Their resolved tickets the tenant ingested as knowledge (by customer id).
            "knowledge_tickets": knowledge_tickets,
        }

    def apply_retention(
        self, tenant_id: str, *, now: datetime | None = None, batch: int = 500
    ) -> dict[str, Any] | None:
        """Erase the tenant's conversations older than its ``retention_days`` (in batches
        of ``batch``, each its own transaction, so a long sweep never holds one lock for
        long); the receipt is recorded like any erasure. ``None``: no policy."""
        with self._db.transaction() as session:
            days = tenants_repo.get_tenant(session, tenant_id).settings.retention_days
        if days is None:
            return None
        cutoff = (now or utcnow()) - timedelta(days=days)
        total: Counter[str] = Counter()
        while True:
            with self._db.transaction() as session:
                ids = repo.expired_conversations(session, tenant_id, cutoff, batch)
                total.update(repo.erase_conversations(session, tenant_id, ids))
            if len(ids) < batch:
                break
        removed = {kind: int(total.get(kind, 0)) for kind in KINDS}
        summary = {"scope": "retention", "cutoff": cutoff.isoformat(), "removed": removed}
        if not removed["conversations"]:
            return summary  # an hourly sweep that found nothing is not worth an audit row
        with self._db.transaction() as session:
            record = repo.record_erasure(
                session,
                tenant_id,
                actor="retention",
                scope="retention",
                subject_digest=self._hasher.digest(f"before {cutoff.isoformat()}"),
                removed=removed,
            )
        self._db.purge_deleted()
        return {**record, **summary}

    def apply_retention_everywhere(self, now: datetime | None = None) -> dict[str, Any]:
        """Every tenant's retention policy, tenant by tenant: the scheduled job."""
        with self._db.transaction() as session:
            tenants = [t.id for t in tenants_repo.list_tenants(session)]
        receipts = {t: self.apply_retention(t, now=now) for t in tenants}
        return {t: r for t, r in receipts.items() if r is not None}

    def erasures(self, tenant_id: str) -> list[dict[str, Any]]:
        with self._db.transaction() as session:
            return repo.list_erasures(session, tenant_id)

    def _conversations(
        self, session: Session, tenant_id: str, scope: str, subject: str
    ) -> list[str]:
        if scope == "customer":
            return repo.conversation_ids(session, tenant_id, customer_id=subject)
        if scope == "conversation":
            return repo.conversation_ids(session, tenant_id, conversation_id=subject)
        return repo.conversation_ids(session, tenant_id, digest=self._hasher.digest(subject))

    def _conversation(self, conversation: Conversation, metadata: dict[str, Any]) -> dict[str, Any]:
        turns = []
        for turn in conversation.turns:
            entry: dict[str, Any] = {
                "seq": turn.seq,
                "speaker": turn.speaker.value,
                "text": turn.text,
                "created_at": turn.created_at.isoformat(),
            }
            if turn.outcome is not None:
                entry["outcome"] = turn.outcome.value
            token = turn.details.get("original_encrypted")
            if isinstance(token, str):
                entry["original"] = self._vault.decrypt(token)
            turns.append(entry)
        return {
            "id": conversation.id,
            "customer_id": conversation.customer_id,
            "channel": conversation.channel,
            "status": conversation.status.value,
            "metadata": metadata,
            "created_at": conversation.created_at.isoformat(),
            "turns": turns,
        }
