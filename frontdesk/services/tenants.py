"""Tenants and API keys: create, issue, list, revoke, authenticate."""

from __future__ import annotations

from datetime import timedelta

from pydantic import ValidationError

from frontdesk.domain.release import Actor
from frontdesk.domain.tenant import ApiKeyInfo, KeyRole, Principal, Tenant, TenantSettings
from frontdesk.errors import AuthenticationError, InvalidInputError
from frontdesk.gateway.keys import display_prefix, generate_key, hash_key, looks_like_key
from frontdesk.operations.alerts import ensure_budget_rule, seed_default_rules
from frontdesk.storage.db import Database
from frontdesk.storage.repos import agents as agents_repo
from frontdesk.storage.repos import audit
from frontdesk.storage.repos import tenant_names as names_repo
from frontdesk.storage.repos import tenants as repo
from frontdesk.storage.tables import utcnow

# Recording every use would turn each read into a write; minute resolution is plenty.
_TOUCH_EVERY = timedelta(seconds=60)


class TenantService:
    def __init__(self, database: Database, secret: bytes) -> None:
        self._db = database
        self._secret = secret

    def create_tenant(self, name: str) -> Tenant:
        with self._db.transaction() as session:
            tenant = repo.create_tenant(session, name)
            seed_default_rules(session, tenant.id)
            return tenant

    def get_tenant(self, name: str) -> Tenant:
        with self._db.transaction() as session:
            return repo.get_tenant_by_name(session, name)

    def names(self, tenant_id: str) -> list[tuple[str, str]]:
        """(name, source) of the person names redacted in the tenant's messages."""
        with self._db.transaction() as session:
            return names_repo.list_names(session, tenant_id)

    def add_names(self, tenant_id: str, names: list[str], source: str = "tenant") -> int:
        """List ``names`` (new ones; returns how many) for redaction in every message."""
        with self._db.transaction() as session:
            return names_repo.add_names(session, tenant_id, names, source)

    def remove_names(self, tenant_id: str, names: list[str]) -> int:
        with self._db.transaction() as session:
            return names_repo.remove_names(session, tenant_id, names)

    def settings_of(self, tenant_id: str) -> TenantSettings:
        with self._db.transaction() as session:
            return repo.get_tenant(session, tenant_id).settings

    def configure(
        self, tenant_id: str, *, actor: Actor | None = None, **changes: object
    ) -> TenantSettings:
        """Change some settings; unknown names or bad values are a 422, nothing changes.
        What changed is in the audit log, by ``actor`` (the API's and the CLI's callers
        give one; library code setting a tenant up records nothing)."""
        with self._db.transaction() as session:
            current = repo.get_tenant(session, tenant_id).settings
            try:
                updated = TenantSettings.model_validate({**current.model_dump(), **changes})
            except ValidationError as exc:
                error = exc.errors()[0]
                field = ".".join(str(p) for p in error["loc"]) or None
                raise InvalidInputError(f"{field}: {error['msg']}", field=field) from None
            budget = (updated.llm_daily_tokens, updated.llm_daily_cost)
            if budget != (None, None) and (current.llm_daily_tokens, current.llm_daily_cost) == (
                None,
                None,
            ):
                ensure_budget_rule(session, tenant_id)  # so reaching it alerts someone
            stored = repo.update_settings(session, tenant_id, updated).settings
            before, after = settings_change(current, stored)
            if after and actor is not None:
                audit.append(
                    session, tenant_id, actor, "tenant.configure", "settings", before, after
                )
            return stored

    def list_tenants(self) -> list[Tenant]:
        with self._db.transaction() as session:
            return repo.list_tenants(session)

    def issue_key(
        self, tenant_name: str, role: KeyRole | str, name: str = "", *, actor: Actor | None = None
    ) -> tuple[str, ApiKeyInfo]:
        """A new key and its record. The key itself is returned once and never stored (nor
        audited: the log names the key's id, role and name)."""
        try:
            role = KeyRole(role)
        except ValueError:
            allowed = ", ".join(r.value for r in KeyRole)
            raise InvalidInputError(f"role must be one of {allowed}", field="role") from None
        if len(name) > 100:
            raise InvalidInputError("key name is longer than 100 characters", field="name")
        key = generate_key()
        with self._db.transaction() as session:
            tenant = repo.get_tenant_by_name(session, tenant_name)
            info = repo.add_key(
                session, tenant, role, name, display_prefix(key), hash_key(key, self._secret)
            )
            if actor is not None:
                audit.append(
                    session, tenant.id, actor, "key.create", info.id, after=_key_fields(info)
                )
        return key, info

    def list_keys(self, tenant_name: str, include_revoked: bool = True) -> list[ApiKeyInfo]:
        with self._db.transaction() as session:
            tenant = repo.get_tenant_by_name(session, tenant_name)
            return repo.list_keys(session, tenant, include_revoked)

    def revoke_key(
        self, tenant_name: str, key_id_or_prefix: str, *, actor: Actor | None = None
    ) -> ApiKeyInfo:
        with self._db.transaction() as session:
            tenant = repo.get_tenant_by_name(session, tenant_name)
            info = repo.revoke_key(session, tenant, key_id_or_prefix)
            if actor is not None:
                audit.append(
                    session, tenant.id, actor, "key.revoke", info.id, before=_key_fields(info)
                )
            return info

    def authenticate(self, raw_key: str) -> Principal:
        if not looks_like_key(raw_key):
            raise AuthenticationError("malformed API key: expected 'Authorization: Bearer fdk_…'")
        with self._db.transaction() as session:
            info = repo.find_key_by_hash(session, hash_key(raw_key, self._secret))
            if info is None:
                raise AuthenticationError("unknown API key")
            if info.revoked_at is not None:
                raise AuthenticationError("this API key has been revoked")
            agent = (
                None
                if info.agent_id is None
                else agents_repo.get(session, info.tenant_id, info.agent_id)
            )
            if agent is not None and not agent.active:
                raise AuthenticationError("this agent account is disabled")
            if info.last_used_at is None or utcnow() - info.last_used_at > _TOUCH_EVERY:
                repo.touch_key(session, info.id)
        return Principal(
            tenant_id=info.tenant_id,
            tenant_name=info.tenant_name,
            role=info.role,
            key_id=info.id,
            key_name=info.name,
            agent_id=None if agent is None else agent.id,
            agent_name="" if agent is None else agent.name,
        )


def _key_fields(info: ApiKeyInfo) -> dict[str, object]:
    return {"role": info.role.value, "name": info.name}


def settings_change(
    before: TenantSettings, after: TenantSettings
) -> tuple[dict[str, object], dict[str, object]]:
    """The settings that differ, before and after, as the audit log keeps them: the
    overridden texts only by language and key (they can be long)."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changed = [name for name in new if old.get(name) != new[name]]

    def shown(settings: dict[str, object], name: str) -> object:
        value = settings.get(name)
        if name == "messages" and isinstance(value, dict):
            return sorted(f"{lang}.{key}" for lang, texts in value.items() for key in texts)
        return value

    return {n: shown(old, n) for n in changed}, {n: shown(new, n) for n in changed}
