"""Promotion: an agent turns a resolved ticket's answer into an FAQ entry the assistant
can cite. Ingestion is the knowledge service's job, reached through :class:`FaqWriter`
(handoff sits below the services)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from frontdesk.domain.agents import actor_of
from frontdesk.domain.conversation import Speaker
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError, NotFoundError
from frontdesk.storage.db import Database
from frontdesk.storage.repos import audit
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as repo
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.storage.repos.knowledge import DocumentInfo

log = logging.getLogger(__name__)
PROMOTED = "promoted/"
_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


class IngestedFile(Protocol):
    """Which documents (their URIs) one ingested file added, updated or left unchanged."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]


class FaqWriter(Protocol):
    def ingest_bytes(self, tenant_id: str, uri: str, data: bytes) -> IngestedFile: ...

    def list_documents(self, tenant_id: str) -> Sequence[DocumentInfo]: ...


@dataclass(frozen=True, slots=True)
class FaqSource:
    """Where an approved FAQ entry came from: a resolved ticket (a handoff's id or an
    ingested ticket's id) or an unanswered customer question (its turn id)."""

    kind: str  # ticket | question
    id: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


class Promoter:
    """Writes approved FAQ entries through the knowledge service, one JSONL document each
    under ``promoted/``. Rows carry ``promoted_from`` (never a ``ticket`` key: a ticket
    key would make the entry evidence only, and it must be served)."""

    def __init__(self, database: Database, knowledge: FaqWriter) -> None:
        self._db = database
        self._knowledge = knowledge

    def promote(self, principal: Principal, ticket_id: str, question: str, answer: str) -> str:
        """Turn a resolved answer into an FAQ entry; returns the new document's id."""
        question, answer = _required(question, answer)
        with self._db.transaction() as session:
            repo.get_ticket(session, principal.tenant_id, ticket_id)
        return self._write(
            principal,
            f"{PROMOTED}{ticket_id}.jsonl",
            question,
            answer,
            FaqSource("ticket", ticket_id),
            "faq.promote",
        )

    def add_faq(
        self, principal: Principal, question: str, answer: str, source: FaqSource | None
    ) -> str:
        """An FAQ entry an agent approved (e.g. a suggestion); returns the document id.
        ``source`` must be one of the tenant's tickets or customer questions."""
        question, answer = _required(question, answer)
        if source is not None:
            self._check_source(principal.tenant_id, source)
            name = f"{source.kind}-{_SAFE.sub('_', source.id)[:80]}"
        else:
            name = "faq-" + hashlib.sha256(question.lower().encode()).hexdigest()[:16]
        uri = f"{PROMOTED}{name}.jsonl"
        return self._write(principal, uri, question, answer, source, "faq.approve")

    def promoted_sources(self, tenant_id: str) -> set[str]:
        """``kind:id`` of every source already promoted (from the documents' URIs)."""
        found = set()
        for document in self._knowledge.list_documents(tenant_id):
            if not document.uri.startswith(PROMOTED):
                continue
            stem = document.uri.removeprefix(PROMOTED).removesuffix(".jsonl")
            kind, _, ident = stem.partition("-")
            if kind in ("ticket", "question") and ident:
                found.add(f"{kind}:{ident}")
            elif not stem.startswith("faq-"):
                found.add(f"ticket:{stem}")  # promote(): promoted/<ticket id>.jsonl
        return found

    def _check_source(self, tenant_id: str, source: FaqSource) -> None:
        with self._db.transaction() as session:
            if source.kind == "question":
                turn = conversations_repo.find_turn(session, tenant_id, source.id)
                if turn.speaker != Speaker.CUSTOMER:
                    raise InvalidInputError(
                        f"turn {source.id!r} is not a customer question", field="source"
                    )
                return
            try:
                repo.get_ticket(session, tenant_id, source.id)
            except NotFoundError:
                ingested = knowledge_repo.ticket_rows(session, tenant_id)
                if not any(str(row["ticket"]) == source.id for row in ingested):
                    raise

    def _write(
        self,
        principal: Principal,
        uri: str,
        question: str,
        answer: str,
        source: FaqSource | None,
        action: str,
    ) -> str:
        record = {"question": question, "answer": answer}
        if source is not None:
            record["promoted_from"] = source.key
        row = json.dumps(record, ensure_ascii=False)
        outcome = self._knowledge.ingest_bytes(principal.tenant_id, uri, (row + "\n").encode())
        written = (outcome.added or outcome.updated or outcome.unchanged)[0]
        document = next(
            d for d in self._knowledge.list_documents(principal.tenant_id) if d.uri == written
        )
        # After the ingestion's own transactions; the entry names the source, not the text.
        with self._db.transaction() as session:
            audit.append(
                session,
                principal.tenant_id,
                actor_of(principal),
                action,
                document.id,
                after={"source": source.key if source is not None else None, "uri": uri},
            )
        log.info(
            "faq entry approved tenant=%s source=%s document=%s by=%s",
            principal.tenant_id,
            source.key if source is not None else "-",
            document.id,
            principal.key_id,
        )
        return document.id


def _required(question: str, answer: str) -> tuple[str, str]:
    question, answer = question.strip(), answer.strip()
    if not question:
        raise InvalidInputError("question must not be empty", field="question")
    if not answer:
        raise InvalidInputError("answer must not be empty", field="answer")
    return question, answer
