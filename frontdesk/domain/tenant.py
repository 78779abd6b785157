"""Tenants, API keys and the principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


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
