"""Contact details the tenant has not approved.

E-mail addresses, phone numbers, URLs and bare domains in an answer tell a customer where
to go; a planted one sends them to a fraudster. With a tenant allow-list (domains, e-mail
addresses, phone numbers), every contact detail must match it (an e-mail or URL matches
through its domain or a subdomain of it). With an empty list, those found in the cited
passages are allowed and any other is a violation.
"""

from __future__ import annotations

from frontdesk.guards.output.entities import Entity, contacts, host_of, mentions, phone_key
from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.types import Finding, GuardAction, OutputCheckInput


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == entry or host.endswith(f".{entry}") for entry in allowed)


def allowed_contact(entity: Entity, allowlist: tuple[str, ...]) -> bool:
    """Does ``entity`` match the tenant's allow-list (already normalised entries)?"""
    if entity.kind == "phone":
        # National and international forms of a number share their last nine digits.
        numbers = [phone_key(e) for e in allowlist if not any(c.isalpha() for c in e)]
        return any(key and entity.key[-9:] == key[-9:] for key in numbers)
    if entity.kind == "email":
        return entity.key in allowlist or _host_allowed(entity.key.rpartition("@")[2], allowlist)
    return _host_allowed(host_of(entity.text), allowlist)


def check_contacts(item: OutputCheckInput, *, action: GuardAction, drop: bool) -> list[Finding]:
    sources = " ".join(f"{p.text} {p.url or ''}" for p in item.cited)
    allowlist = item.contact_allowlist
    findings = []
    for sentence in split_sentences(item.answer):
        for entity in contacts(sentence.text):
            ok = allowed_contact(entity, allowlist) if allowlist else mentions(sources, entity)
            if not ok:
                where = "the tenant's allow-list" if allowlist else "the cited passages"
                findings.append(
                    Finding("contacts", "contact_not_allowed",
                            f"a {entity.kind} that is not in {where}",
                            action, sentence.index, drop)
                )  # fmt: skip
    return findings
