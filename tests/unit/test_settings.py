"""Settings: secrets refused or generated, database URLs normalised."""

from __future__ import annotations

import stat

import pytest

from frontdesk.errors import ConfigurationError
from frontdesk.settings import Settings


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize("weak", ["changeme", "short", "secret"])
def test_a_placeholder_or_short_secret_is_refused(weak, tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="FRONTDESK_SECRET_KEY"):
        _settings(secret_key=weak, data_dir=tmp_path).secret_key_bytes()


def test_production_without_a_secret_refuses_to_start(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="FRONTDESK_ENV=production"):
        _settings(env="production", data_dir=tmp_path).secret_key_bytes()
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_private_secret_once(tmp_path) -> None:
    settings = _settings(data_dir=tmp_path)
    first = settings.secret_key_bytes()
    assert len(first) >= 32
    assert settings.secret_key_bytes() == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FRONTDESK_MAX_BODY_BYTES", "1234")
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", "postgresql://u@db.example/fd")
    settings = _settings(data_dir=tmp_path)
    assert settings.max_body_bytes == 1234
    assert settings.resolved_database_url == "postgresql+psycopg://u@db.example/fd"
    assert not settings.is_sqlite


def test_default_database_is_sqlite_in_the_data_dir(tmp_path) -> None:
    settings = _settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'frontdesk.db'}"
