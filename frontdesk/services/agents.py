"""Named agent accounts: an admin creates them, each gets API keys of role ``agent``
linked to the account, or signs in with a password (argon2id) for a key of their own;
every change is in the audit log."""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from frontdesk.domain.agents import EMAIL, Agent, actor_of
from frontdesk.domain.tenant import KeyRole, Principal
from frontdesk.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)
from frontdesk.gateway.keys import display_prefix, generate_key, hash_key
from frontdesk.storage.db import Database
from frontdesk.storage.repos import agents as repo
from frontdesk.storage.repos import audit
from frontdesk.storage.repos import tenants as tenants_repo

MIN_PASSWORD = 12
MAX_PASSWORD = 256
SIGN_IN_KEY_NAME = "console sign-in"
# Verified against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong
# password and the timing does not tell which agents exist.
_hasher = argon2.PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def _name(value: str) -> str:
    name = " ".join(value.split())
    if not 1 <= len(name) <= 100:
        raise InvalidInputError("name must be 1-100 characters", field="name")
    return name


def _email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInputError(f"{value!r} is not an e-mail address", field="email")
    return email


def _password_hash(password: str | None) -> str:
    if password is None:
        return ""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInputError(
            f"password must be {MIN_PASSWORD}-{MAX_PASSWORD} characters", field="password"
        )
    return _hasher.hash(password)


class AgentService:
    def __init__(self, database: Database, secret: bytes) -> None:
        self._db = database
        self._secret = secret

    def create(self, admin: Principal, name: str, email: str, password: str | None = None) -> Agent:
        name, email, hashed = _name(name), _email(email), _password_hash(password)
        with self._db.transaction() as session:
            agent = repo.create(session, admin.tenant_id, name, email, hashed)
            audit.append(
                session,
                admin.tenant_id,
                actor_of(admin),
                "agent.create",
                agent.id,
                after={"name": agent.name, "email": agent.email},
            )
            return agent

    def list(self, tenant_id: str) -> list[Agent]:
        with self._db.transaction() as session:
            return repo.list_all(session, tenant_id)

    def get(self, tenant_id: str, agent_id: str) -> Agent:
        with self._db.transaction() as session:
            return repo.get(session, tenant_id, agent_id)

    def update(
        self,
        admin: Principal,
        agent_id: str,
        *,
        name: str | None = None,
        password: str | None = None,
        disabled: bool | None = None,
    ) -> Agent:
        """Rename, set a password, disable (revokes every key) or enable again."""
        clean_name = None if name is None else _name(name)
        hashed = None if password is None else _password_hash(password)
        with self._db.transaction() as session:
            before = repo.get(session, admin.tenant_id, agent_id)
            agent = repo.update(
                session,
                admin.tenant_id,
                agent_id,
                name=clean_name,
                password_hash=hashed,
                disabled=disabled,
            )
            if disabled:
                repo.revoke_keys(session, admin.tenant_id, agent_id)
            audit.append(
                session,
                admin.tenant_id,
                actor_of(admin),
                "agent.update",
                agent_id,
                before={"name": before.name, "active": before.active},
                after={
                    "name": agent.name,
                    "active": agent.active,
                    "password_changed": password is not None,
                },
            )
            return agent

    def issue_key(self, admin: Principal, agent_id: str) -> str:
        """A new API key of role ``agent`` that acts as this agent (shown once)."""
        with self._db.transaction() as session:
            agent = repo.get(session, admin.tenant_id, agent_id)
            if not agent.active:
                raise InvalidInputError("this agent is disabled; enable them first")
            key = self._new_key(session, admin.tenant_id, agent, f"agent {agent.name}")
            audit.append(session, admin.tenant_id, actor_of(admin), "agent.key", agent_id)
        return key

    def sign_in(self, tenant_name: str, email: str, password: str) -> tuple[str, Agent]:
        """A fresh key for the agent whose e-mail and password match; the same error for
        an unknown tenant, e-mail or wrong password."""
        failure = AuthenticationError("wrong tenant, e-mail or password")
        with self._db.transaction() as session:
            try:
                tenant = tenants_repo.get_tenant_by_name(session, tenant_name.strip())
            except NotFoundError:
                _verify(_DUMMY_HASH, password)
                raise failure from None
            row = repo.find_row_by_email(session, tenant.id, email.strip().lower())
            stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
            if not _verify(stored, password) or row is None or not row.password_hash:
                raise failure
            agent = repo.get(session, tenant.id, row.id)
            if not agent.active:
                raise AuthenticationError("this agent account is disabled")
            key = self._new_key(session, tenant.id, agent, SIGN_IN_KEY_NAME)
        return key, agent

    def sign_out(self, principal: Principal) -> None:
        """Revoke the key the caller signed in with. A key an admin issued is not ended
        this way (409): it is revoked where it was issued."""
        if principal.agent_id is None or principal.key_name != SIGN_IN_KEY_NAME:
            raise ConflictError(
                "this key was not made by signing in; an admin revokes it (DELETE /v1/keys/…)"
            )
        with self._db.transaction() as session:
            tenant = tenants_repo.get_tenant(session, principal.tenant_id)
            tenants_repo.revoke_key(session, tenant, principal.key_id)

    def _new_key(self, session: Session, tenant_id: str, agent: Agent, name: str) -> str:
        tenant = tenants_repo.get_tenant(session, tenant_id)
        key = generate_key()
        info = tenants_repo.add_key(
            session,
            tenant,
            KeyRole.AGENT,
            name,
            display_prefix(key),
            hash_key(key, self._secret),
        )
        repo.link_key(session, tenant_id, info.id, agent.id)
        return key


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
