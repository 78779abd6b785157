"""Keys, tenant settings, privacy requests and the caller (admin keys, ``me`` any)."""

from __future__ import annotations

from typing import Any

from frontdesk.api.routes.privacy import ErasureReceipt
from frontdesk.api.routes.tenant import (
    BudgetPublic,
    Caller,
    TenantSettingsChanged,
    WidgetMessages,
)
from frontdesk.api.schemas import KeyCreated, KeyPublic
from frontdesk.client.call import Call, as_dict, body, many, one, route
from frontdesk.domain.tenant import TenantSettings


@route("GET", "/healthz")
def health() -> Call[dict[str, Any]]:
    return Call(as_dict)


@route("GET", "/readyz")
def readiness() -> Call[dict[str, Any]]:
    """``status`` ok or degraded; a replica that cannot serve answers 503 (an error)."""
    return Call(as_dict)


@route("GET", "/v1/keys")
def list_keys() -> Call[list[KeyPublic]]:
    return Call(many(KeyPublic))


@route("POST", "/v1/keys")
def create_key(role: str, *, name: str | None = None) -> Call[KeyCreated]:
    """A new key (``admin``, ``agent`` or ``widget``); its secret is shown only here."""
    return Call(one(KeyCreated), json=body(role=role, name=name))


@route("DELETE", "/v1/keys/{key_id}")
def revoke_key(key_id: str) -> Call[KeyPublic]:
    return Call(one(KeyPublic), {"key_id": key_id})


@route("GET", "/v1/tenant/settings")
def get_settings() -> Call[TenantSettings]:
    return Call(one(TenantSettings))


@route("PATCH", "/v1/tenant/settings")
def update_settings(changes: dict[str, Any]) -> Call[TenantSettingsChanged]:
    """Change some settings (names as in ``get_settings``); ``backfill_job_id``: the job
    embedding the knowledge for languages the change turned on."""
    return Call(one(TenantSettingsChanged), json=changes)


@route("GET", "/v1/tenant/me")
def me() -> Call[Caller]:
    return Call(one(Caller))


@route("GET", "/v1/tenant/budget")
def budget() -> Call[BudgetPublic]:
    """Today's LLM tokens and cost against the tenant's daily limits (agent or admin)."""
    return Call(one(BudgetPublic))


@route("GET", "/v1/tenant/messages")
def widget_messages(*, language: str = "en") -> Call[WidgetMessages]:
    return Call(one(WidgetMessages), params={"language": language})


@route("POST", "/v1/privacy/erasures")
def erase(
    *,
    customer_id: str | None = None,
    conversation_id: str | None = None,
    identifier: str | None = None,
) -> Call[ErasureReceipt]:
    """Erase one customer, conversation or identifier's data (exactly one of them)."""
    fields = body(customer_id=customer_id, conversation_id=conversation_id, identifier=identifier)
    return Call(one(ErasureReceipt), json=fields)


@route("GET", "/v1/privacy/erasures")
def list_erasures() -> Call[list[dict[str, Any]]]:
    return Call(lambda r: [dict(x) for x in r.json()])


@route("GET", "/v1/privacy/exports/{customer_id}")
def export_customer(customer_id: str, *, by: str = "customer") -> Call[dict[str, Any]]:
    """Everything stored about one customer; ``by="identifier"`` for an e-mail or phone."""
    return Call(as_dict, {"customer_id": customer_id}, params={"by": by})
