"""Tenants, API keys and the principal a request acts as."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

_EMAIL = re.compile(r"^[^@\s]{1,64}@(?:[a-z0-9-]{1,63}\.)+[a-z]{2,24}$")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]{1,63}\.)+[a-z]{2,24}$")
_PHONE = re.compile(r"^\+?[\d\s().-]{6,24}$")


class KeyRole(StrEnum):
    """What an API key may do. ``widget`` keys are public (embedded in web pages)."""

    ADMIN = "admin"
    AGENT = "agent"
    WIDGET = "widget"


class TenantSettings(BaseModel):
    """Per-tenant switches an admin can change (unknown keys are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reveal_pii_to_agents: bool = Field(
        False,
        description="Agents may see a customer's original message (decrypted) instead of "
        "the redacted text; every reveal is a deliberate API call.",
    )
    contact_allowlist: tuple[str, ...] = Field(
        (),
        max_length=200,
        description="Domains, e-mail addresses and phone numbers answers may give customers. "
        "Empty: only contact details found in the cited sources are allowed.",
    )
    retention_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="Erase conversations (turns, tickets, feedback) this many days after "
        "their last message; none while a person still handles them. Empty: keep.",
    )

    @field_validator("contact_allowlist")
    @classmethod
    def _contacts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned: list[str] = []
        for raw in value:
            entry = raw.strip().lower().removeprefix("https://").removeprefix("http://")
            entry = entry.removeprefix("www.").rstrip("/")
            digits = sum(c.isdigit() for c in entry)
            if not (
                _EMAIL.match(entry) or _DOMAIN.match(entry) or (_PHONE.match(entry) and digits >= 6)
            ):
                raise ValueError(
                    f"{raw!r} is not a domain (example.com), e-mail address or phone number"
                )
            if entry not in cleaned:
                cleaned.append(entry)
        return tuple(cleaned)


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    name: str
    created_at: datetime
    settings: TenantSettings = field(default_factory=TenantSettings)


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """An API key as it can be shown after creation: never the key itself."""

    id: str
    tenant_id: str
    tenant_name: str
    role: KeyRole
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: every tenant-scoped query takes ``tenant_id`` from here."""

    tenant_id: str
    tenant_name: str
    role: KeyRole
    key_id: str
    key_name: str = ""

    @property
    def display_name(self) -> str:
        return self.key_name or f"{self.role.value} {self.key_id[:6]}"
