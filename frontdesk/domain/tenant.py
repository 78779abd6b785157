"""Tenants, API keys and the principal a request acts as."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from frontdesk.domain.catalogue import DETECTABLE_LANGUAGES, message_keys

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
    llm_daily_tokens: int | None = Field(
        None,
        ge=1,
        le=10**12,
        description="Language-model tokens (prompt + completion) the tenant's turns may use "
        "per UTC day. At the limit turns are answered without the LLM (the extractive "
        "generator) and the 'LLM budget used up' alert fires. Empty: no limit.",
    )
    llm_daily_cost: float | None = Field(
        None,
        gt=0,
        le=10**9,
        description="Language-model cost per UTC day, at the prices the release's providers "
        "configure (USD by convention); behaves as llm_daily_tokens. Empty: no limit.",
    )

    languages: tuple[str, ...] = Field(
        (),
        max_length=20,
        description="ISO 639-1 codes of the languages customers are answered in, the "
        "fallback first (e.g. en, de, fr). Empty: every language with a built-in catalogue "
        "(en, de, fr, es, nl, it, pt), English first.",
    )
    messages: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Overrides of the fixed texts customers see, by language and message "
        'key, e.g. {"de": {"handoff": "..."}}; keys as in frontdesk/domain/locales/en.json.',
    )

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned: list[str] = []
        for raw in value:
            code = raw.strip().lower()
            if code not in DETECTABLE_LANGUAGES:
                raise ValueError(
                    f"{raw!r} is not an ISO 639-1 language code the detector knows "
                    "(e.g. en, de, fr)"
                )
            if code not in cleaned:
                cleaned.append(code)
        return tuple(cleaned)

    @field_validator("messages")
    @classmethod
    def _messages(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        known = message_keys()
        for language, texts in value.items():
            if language not in DETECTABLE_LANGUAGES:
                raise ValueError(f"{language!r} is not an ISO 639-1 language code")
            for key, text in texts.items():
                if key not in known:
                    names = ", ".join(sorted(known))
                    raise ValueError(f"unknown message key {key!r} (known: {names})")
                if not text.strip() or len(text) > 2000:
                    raise ValueError(f"message {language}.{key} must be 1-2000 characters")
        return value

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
    agent_id: str | None = None  # the named agent this key signs in as

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
    agent_id: str | None = None  # set when the key belongs to a named agent
    agent_name: str = ""

    @property
    def display_name(self) -> str:
        return self.agent_name or self.key_name or f"{self.role.value} {self.key_id[:6]}"

    @property
    def owner_id(self) -> str:
        """Who owns the tickets this caller takes: the named agent (whichever of their
        keys or sign-ins they use), else the key itself."""
        return self.agent_id or self.key_id
