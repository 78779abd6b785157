"""Learn a tenant's customers' names from their tickets into its name list.

A customer's own name is the personal data most likely to come back in their next
message, often where no rule spots it ("Rintanen here again"). Every ticket tells it:
the agent greets them, they sign or introduce themselves, their e-mail address spells
it. Those names go to the tenant's list (:mod:`frontdesk.storage.repos.tenant_names`),
which the input guard redacts in that tenant's messages only.

Learned from: resolved tickets ingested as knowledge (customer message + agent reply,
tied to the row's ``customer_id`` when it has one),
a handoff ticket's conversation metadata (``name``/``customer_name``), and the
greeting of an agent's reply on a ticket.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from frontdesk.guards.output.entities import greeting_name
from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.pii.listed_names import person_like
from frontdesk.guards.pii.redactor import PiiRedactor
from frontdesk.handoff.generalise import customer_names
from frontdesk.storage.repos.tenant_names import add_names

METADATA_KEYS = ("name", "customer_name")


class TicketNames:
    """Finds names in tickets with the NER redactor (loaded on the first ticket)."""

    def __init__(self, redactor: PiiRedactor | None = None) -> None:
        self._redactor = redactor or PiiRedactor(ner=True, detect_language=True)
        self._ready = False
        self._lock = threading.Lock()

    def _finder(self) -> PiiRedactor:
        with self._lock:
            if not self._ready:
                self._redactor.warm_up()
                self._ready = True
        return self._redactor

    def names_in(self, customer: str, reply: str) -> set[str]:
        """The customer's names one ticket shows (see :func:`customer_names`)."""
        finder = self._finder()
        english, surnames = finder.english_words, finder.surnames
        return {
            n for n in customer_names(customer, reply, finder) if person_like(n, english, surnames)
        }

    def learn(
        self, session: Session, tenant_id: str, tickets: Iterable[tuple[str, str, str | None]]
    ) -> int:
        """Add the names of ``tickets`` ((customer message, agent reply, customer id)) to
        the tenant's list, in the caller's transaction, each tied to its ticket's customer
        id when the file gives one (an erasure by that id removes them); returns how many
        were new."""
        by_customer: dict[str | None, set[str]] = {}
        for customer, reply, customer_id in tickets:
            by_customer.setdefault(customer_id, set()).update(self.names_in(customer, reply))
        return sum(
            add_names(session, tenant_id, names, "ticket", customer_id=customer_id)
            for customer_id, names in by_customer.items()
        )


def learn_from_metadata(
    session: Session, tenant_id: str, conversation_id: str, metadata: Mapping[str, object]
) -> int:
    """A handoff ticket's conversation names its customer (an integration's contact)."""
    names = [str(metadata[k]) for k in METADATA_KEYS if isinstance(metadata.get(k), str)]
    people = [n for n in names if person_like(n, ())]
    return add_names(session, tenant_id, people, "ticket", conversation_id)


def learn_from_greeting(session: Session, tenant_id: str, conversation_id: str, reply: str) -> int:
    """An agent's reply on a ticket greets the customer by name ("Hi Jane, ...")."""
    sentences = split_sentences(reply)[:1]
    greeted = greeting_name(sentences[0].text) if sentences else None
    if greeted is None or not person_like(greeted.text, ()):
        return 0
    return add_names(session, tenant_id, [greeted.text], "ticket", conversation_id)
