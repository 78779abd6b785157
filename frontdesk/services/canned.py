"""Canned replies: a tenant's saved answers with ``{{variables}}`` (customer_name,
agent_name, ticket_id), filled in for one ticket when an agent inserts one."""

from __future__ import annotations

from frontdesk.domain.agents import (
    CANNED_VARIABLES,
    UNKNOWN_CUSTOMER,
    CannedReply,
    fill,
    unknown_variables,
)
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError
from frontdesk.storage.db import Database
from frontdesk.storage.repos import canned as repo
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import handoff as tickets_repo

MAX_TITLE = 100
MAX_BODY = 8000
# Where a customer's name may be found in the conversation's metadata, first match wins.
NAME_KEYS = ("customer_name", "name")


def _title(value: str) -> str:
    title = " ".join(value.split())
    if not 1 <= len(title) <= MAX_TITLE:
        raise InvalidInputError(f"title must be 1-{MAX_TITLE} characters", field="title")
    return title


def _body(value: str) -> str:
    body = value.strip()
    if not 1 <= len(body) <= MAX_BODY:
        raise InvalidInputError(f"body must be 1-{MAX_BODY} characters", field="body")
    unknown = unknown_variables(body)
    if unknown:
        known = ", ".join("{{" + v + "}}" for v in CANNED_VARIABLES)
        raise InvalidInputError(
            f"unknown variable {{{{{unknown[0]}}}}} (known: {known})", field="body"
        )
    return body


class CannedReplies:
    def __init__(self, database: Database) -> None:
        self._db = database

    def list(self, tenant_id: str) -> list[CannedReply]:
        with self._db.transaction() as session:
            return repo.list_all(session, tenant_id)

    def create(self, principal: Principal, title: str, body: str) -> CannedReply:
        title, body = _title(title), _body(body)
        with self._db.transaction() as session:
            return repo.create(session, principal.tenant_id, title, body, principal.display_name)

    def update(
        self, tenant_id: str, reply_id: str, title: str | None, body: str | None
    ) -> CannedReply:
        title = None if title is None else _title(title)
        body = None if body is None else _body(body)
        with self._db.transaction() as session:
            return repo.update(session, tenant_id, reply_id, title, body)

    def delete(self, tenant_id: str, reply_id: str) -> CannedReply:
        with self._db.transaction() as session:
            return repo.delete(session, tenant_id, reply_id)

    def render(self, principal: Principal, reply_id: str, ticket_id: str) -> str:
        """The reply's text for this ticket, as the caller would send it."""
        tenant_id = principal.tenant_id
        with self._db.transaction() as session:
            reply = repo.get(session, tenant_id, reply_id)
            ticket = tickets_repo.get_ticket(session, tenant_id, ticket_id)
            metadata = conversations_repo.get(session, tenant_id, ticket.conversation_id).metadata
        name = next(
            (str(metadata[k]).strip() for k in NAME_KEYS if str(metadata.get(k) or "").strip()),
            UNKNOWN_CUSTOMER,
        )
        values = {
            "customer_name": name,
            "agent_name": principal.display_name,
            "ticket_id": ticket.id,
        }
        return fill(reply.body, values)
