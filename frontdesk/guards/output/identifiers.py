"""Personal identifiers that are not the customer's own.

An e-mail address, phone number, reference id (tracking, claim, invoice, order, ticket)
or greeted name in an answer must come from the customer's own messages of this
conversation, or from a cited article (help articles publish support contacts and
example formats), or be one of the tenant's approved contacts. One from a resolved ticket
belongs to another customer: relaying it is a privacy leak.
"""

from __future__ import annotations

from frontdesk.guards.output.contacts import allowed_contact
from frontdesk.guards.output.entities import (
    Entity,
    emails,
    greeting_name,
    mentions,
    phones,
    reference_ids,
)
from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.types import Finding, GuardAction, OutputCheckInput


def _identifiers(sentence: str) -> list[Entity]:
    found = emails(sentence) + phones(sentence) + reference_ids(sentence)
    name = greeting_name(sentence)
    return [*found, name] if name is not None else found


def check_identifiers(item: OutputCheckInput, *, action: GuardAction, drop: bool) -> list[Finding]:
    published = " ".join(p.text for p in item.cited if p.kind != "ticket")
    findings = []
    for sentence in split_sentences(item.answer):
        for entity in _identifiers(sentence.text):
            if mentions(item.customer_text, entity) or mentions(published, entity):
                continue
            approved = entity.kind in ("email", "phone") and item.contact_allowlist
            if approved and allowed_contact(entity, item.contact_allowlist):
                continue
            findings.append(
                Finding("identifiers", f"foreign_{entity.kind}",
                        f"a {entity.kind} that is not the customer's own",
                        action, sentence.index, drop)
            )  # fmt: skip
    return findings
