"""API key material: generation and hashing.

A key is ``fdk_`` followed by 43 url-safe characters (256 bits). Only its HMAC-SHA256
under the server secret is stored, so a database dump alone cannot be used to call the
API, and lookup stays a single indexed equality (a slow KDF would make every request pay
for it; the key's entropy already rules out guessing).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_PREFIX = "fdk_"
DISPLAY_PREFIX_CHARS = 12


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str, secret: bytes) -> str:
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()


def display_prefix(key: str) -> str:
    """The part of a key that may be shown in listings to recognise it."""
    return key[:DISPLAY_PREFIX_CHARS]


def looks_like_key(value: str) -> bool:
    return value.startswith(KEY_PREFIX) and 20 <= len(value) <= 200
