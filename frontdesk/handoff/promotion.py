"""Promotion: an agent turns a resolved ticket's answer into an FAQ entry the assistant
can cite. Ingestion is the knowledge service's job, reached through :class:`FaqWriter`
(handoff sits below the services)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Protocol

from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError
from frontdesk.storage.db import Database
from frontdesk.storage.repos import handoff as repo
from frontdesk.storage.repos.knowledge import DocumentInfo

log = logging.getLogger(__name__)


class IngestedFile(Protocol):
    """Which documents (their URIs) one ingested file added, updated or left unchanged."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]


class FaqWriter(Protocol):
    def ingest_bytes(self, tenant_id: str, uri: str, data: bytes) -> IngestedFile: ...

    def list_documents(self, tenant_id: str) -> Sequence[DocumentInfo]: ...


class Promoter:
    def __init__(self, database: Database, knowledge: FaqWriter) -> None:
        self._db = database
        self._knowledge = knowledge

    def promote(self, principal: Principal, ticket_id: str, question: str, answer: str) -> str:
        """Turn a resolved answer into an FAQ entry; returns the new document's id."""
        question, answer = question.strip(), answer.strip()
        if not question:
            raise InvalidInputError("question must not be empty", field="question")
        if not answer:
            raise InvalidInputError("answer must not be empty", field="answer")
        with self._db.transaction() as session:
            repo.get_ticket(session, principal.tenant_id, ticket_id)
        row = json.dumps({"question": question, "answer": answer}, ensure_ascii=False)
        outcome = self._knowledge.ingest_bytes(
            principal.tenant_id, f"promoted/{ticket_id}.jsonl", (row + "\n").encode()
        )
        uri = (outcome.added or outcome.updated or outcome.unchanged)[0]
        document = next(
            d for d in self._knowledge.list_documents(principal.tenant_id) if d.uri == uri
        )
        log.info(
            "ticket promoted to knowledge tenant=%s ticket=%s document=%s",
            principal.tenant_id,
            ticket_id,
            document.id,
        )
        return document.id
