"""A tenant's Chatwoot connection: configure, show, remove, and the check every inbound
event passes.

The access token is kept encrypted with the server secret (``guards/crypto.py``, as
webhook secrets are) because Frontdesk must send it; the shared secret of inbound events
only has to be checked, so only its keyed hash (HMAC-SHA256 with the server secret, like
API keys) is stored and it is shown once, when it is set. Chatwoot's agent bots do not
sign their requests and cannot send custom headers, so the secret travels in the bot's
URL (``?secret=``) or, from a proxy that can add one, the ``X-Frontdesk-Secret`` header."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from frontdesk.domain.integrations import ChatwootIntegration
from frontdesk.errors import AuthenticationError, InvalidInputError
from frontdesk.guards import TextVault
from frontdesk.storage.db import Database
from frontdesk.storage.repos import chatwoot as repo
from frontdesk.storage.repos import tenants as tenants_repo

_CONTEXT = b"frontdesk/integrations/chatwoot-secret/v1:"
MIN_SECRET = 16


def _checked_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise InvalidInputError(
            "base_url must be Chatwoot's absolute http(s) address, e.g. https://chat.example.com",
            field="base_url",
        )
    return url


def _checked(token: str, account_id: int, secret: str | None) -> None:
    if not token.strip() or len(token) > 500 or any(c.isspace() for c in token.strip()):
        raise InvalidInputError("token must be a Chatwoot access token", field="token")
    if account_id < 1:
        raise InvalidInputError("account_id must be a positive number", field="account_id")
    if secret is not None and (len(secret) < MIN_SECRET or len(secret) > 200):
        raise InvalidInputError(
            f"secret must be {MIN_SECRET} to 200 characters (or omit it to get a random one)",
            field="secret",
        )


class ChatwootConfig:
    def __init__(self, database: Database, vault: TextVault, server_secret: bytes) -> None:
        self._db = database
        self._vault = vault
        self._key = server_secret

    def _hash(self, secret: str) -> str:
        return hmac.new(self._key, _CONTEXT + secret.encode(), hashlib.sha256).hexdigest()

    def configure(
        self,
        tenant_id: str,
        *,
        base_url: str,
        account_id: int,
        token: str,
        secret: str | None = None,
        keep_secret: bool = False,
    ) -> tuple[ChatwootIntegration, str | None]:
        """Create or replace the connection. Returns it and the inbound secret when one
        was set now (``secret``, or a random one; ``keep_secret`` keeps the current)."""
        _checked(token, account_id, secret)
        url = _checked_url(base_url)
        with self._db.transaction() as session:
            if keep_secret and secret is None and repo.has_integration(session, tenant_id):
                new_secret = None
            else:
                new_secret = secret or "cwsec_" + secrets.token_urlsafe(24)
            integration = repo.save_integration(
                session,
                tenant_id,
                base_url=url,
                account_id=account_id,
                token_encrypted=self._vault.encrypt(token.strip()),
                secret_hash=None if new_secret is None else self._hash(new_secret),
            )
        return integration, new_secret

    def show(self, tenant_id: str) -> ChatwootIntegration:
        with self._db.transaction() as session:
            return repo.get_integration(session, tenant_id)

    def remove(self, tenant_id: str) -> None:
        with self._db.transaction() as session:
            repo.delete_integration(session, tenant_id)

    def verify(self, tenant_slug: str, secret: str | None) -> str:
        """The tenant id of an inbound event whose secret is right: 404 for an unknown
        tenant or one without Chatwoot, 401 for a missing or wrong secret."""
        with self._db.transaction() as session:
            tenant = tenants_repo.get_tenant_by_name(session, tenant_slug)
            _, _, secret_hash = repo.credentials(session, tenant.id)
        if not secret:
            raise AuthenticationError(
                "missing secret: Chatwoot's bot URL must end in ?secret=<the integration's "
                "secret> (or send X-Frontdesk-Secret)"
            )
        if not hmac.compare_digest(self._hash(secret), secret_hash):
            raise AuthenticationError(
                "wrong secret for this tenant's Chatwoot integration; "
                "set a new one with: frontdesk integrations chatwoot configure"
            )
        return tenant.id

    def connection(self, tenant_id: str) -> tuple[ChatwootIntegration, str]:
        """The connection and its token, decrypted (to call Chatwoot; never logged)."""
        with self._db.transaction() as session:
            integration, token_encrypted, _ = repo.credentials(session, tenant_id)
        return integration, self._vault.decrypt(token_encrypted)

    def record_state(self, tenant_id: str, state: str, error: str | None) -> None:
        with self._db.transaction() as session:
            repo.set_state(session, tenant_id, state, error)
