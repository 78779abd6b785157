"""API key material."""

from __future__ import annotations

from frontdesk.gateway.keys import display_prefix, generate_key, hash_key, looks_like_key


def test_keys_are_random_prefixed_and_long() -> None:
    keys = {generate_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(k.startswith("fdk_") and len(k) == 47 and looks_like_key(k) for k in keys)


def test_hash_depends_on_the_server_secret_and_hides_the_key() -> None:
    key = generate_key()
    first = hash_key(key, b"secret-one-0123456789")
    assert first == hash_key(key, b"secret-one-0123456789")
    assert first != hash_key(key, b"secret-two-0123456789")
    assert key not in first
    assert len(first) == 64


def test_display_prefix_is_too_short_to_use_as_a_key() -> None:
    key = generate_key()
    assert key.startswith(display_prefix(key))
    assert not looks_like_key(display_prefix(key))
