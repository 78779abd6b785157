"""The notice a customer gets when they ask for a person, in the conversation's language.

The pipeline localises its fixed texts after every stage (:mod:`frontdesk.pipeline.
localise`); pressing "talk to a person" bypasses the pipeline, so the notice is localised
here, the same way: the language of the customer's latest message (else the browser's),
the tenant's override of that text, else the built-in catalogue.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.catalogue import Catalogue
from frontdesk.domain.conversation import BROWSER_LANGUAGE, Conversation, Speaker
from frontdesk.storage.repos import conversations as conversations_repo
from frontdesk.storage.repos import tenants as tenants_repo

_LOOK_BACK = 10  # turns searched for the customer's language
_AFTER_ANY_TURN = 2**31 - 1  # a seq above every turn (the column is a 32-bit integer)


def handoff_notice(
    session: Session, tenant_id: str, conversation: Conversation
) -> tuple[str, dict[str, Any]]:
    """The notice's text and the language details of its turn (none when unknown)."""
    settings = tenants_repo.get_tenant(session, tenant_id).settings
    customer, replied = _languages(session, tenant_id, conversation)
    reply = replied or customer
    if reply is not None and settings.languages and reply not in settings.languages:
        reply = None  # a language the tenant does not serve: its default texts
    overrides = settings.messages or {}
    text = Catalogue(reply or "en", overrides.get(reply or "en")).text("handoff")
    details = {"language": customer, "reply_language": reply or "en"} if customer else {}
    return text, details


def _languages(
    session: Session, tenant_id: str, conversation: Conversation
) -> tuple[str | None, str | None]:
    """The language of the customer's latest message (else the browser's) and that of
    the latest reply, as the pipeline chose it."""
    turns = conversations_repo.recent_history(
        session, tenant_id, conversation.id, _AFTER_ANY_TURN, _LOOK_BACK
    )
    customer = replied = None
    for turn in reversed(turns):
        key = "language" if turn.speaker is Speaker.CUSTOMER else "reply_language"
        value = turn.details.get(key)
        if not isinstance(value, str) or not value:
            continue
        if turn.speaker is Speaker.CUSTOMER and customer is None:
            customer = value
        elif turn.speaker is Speaker.ASSISTANT and replied is None:
            replied = value
    if customer is None:
        prior = conversation.metadata.get(BROWSER_LANGUAGE)
        customer = prior if isinstance(prior, str) and prior else None
    return customer, replied
