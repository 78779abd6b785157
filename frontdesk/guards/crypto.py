"""Keep original (unredacted) message text encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with a key derived from the
server secret in :class:`~frontdesk.settings.Settings`, so every replica that shares the
secret can decrypt and nothing else needs configuring. Only redacted text is stored in
the clear; the original is revealed to the ``agent`` role where the tenant enables it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from frontdesk.errors import ConfigurationError
from frontdesk.settings import Settings

_CONTEXT = b"frontdesk/guards/original-text/v1"


def derive_key(secret: bytes) -> bytes:
    """A Fernet key bound to this purpose, so the API-key HMAC secret is never reused as is."""
    digest = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest)


class TextVault:
    """Encrypts and decrypts original message text."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ConfigurationError("the encryption secret must be at least 16 bytes long")
        self._fernet = Fernet(derive_key(secret))

    @classmethod
    def from_settings(cls, settings: Settings) -> TextVault:
        return cls(settings.secret_key_bytes())

    def encrypt(self, text: str) -> str:
        """URL-safe token (ASCII) that embeds its creation time."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise ConfigurationError(
                "cannot decrypt stored text: it was encrypted with another secret key "
                "(FRONTDESK_SECRET_KEY changed?) or the token is damaged."
            ) from exc
