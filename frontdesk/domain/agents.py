"""Named agent accounts, canned replies and internal notes: what the console's people
work with. Records only; no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from frontdesk.domain.release import Actor
from frontdesk.domain.tenant import Principal

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,24}$")
# The variables a canned reply may use, as ``{{name}}``; anything else is refused when the
# reply is saved, so a typo never reaches a customer as literal braces.
CANNED_VARIABLES = ("customer_name", "agent_name", "ticket_id")
VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
# Customers without a name on record are greeted as "Hi there".
UNKNOWN_CUSTOMER = "there"


@dataclass(frozen=True, slots=True)
class Agent:
    """A person who works tickets. ``disabled_at`` set: their keys stop working."""

    id: str
    tenant_id: str
    name: str
    email: str
    has_password: bool
    created_at: datetime
    disabled_at: datetime | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class CannedReply:
    id: str
    tenant_id: str
    title: str
    body: str
    created_by: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TicketNote:
    """A note agents leave on a ticket for each other; never part of the conversation."""

    id: str
    ticket_id: str
    author_id: str
    author_name: str
    text: str
    created_at: datetime


def actor_of(principal: Principal) -> Actor:
    """How a caller is named in the audit log: the agent's name, else the key's id."""
    return Actor(name=principal.agent_name or f"key:{principal.key_id}", role=principal.role.value)


def unknown_variables(body: str) -> list[str]:
    """The ``{{names}}`` in ``body`` that are not canned-reply variables."""
    return sorted({m.group(1) for m in VARIABLE.finditer(body)} - set(CANNED_VARIABLES))


def fill(body: str, values: dict[str, str]) -> str:
    """``body`` with each ``{{variable}}`` replaced by its value (unknown ones stay)."""
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), body)
