"""Probes and the OpenAPI schema."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings


def test_healthz_and_readyz_are_ok_on_a_migrated_database(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    assert ready.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "models": "ok",
        "releases": "ok",
    }


def test_readyz_is_503_until_migrations_are_applied(empty_database_url, tmp_path) -> None:
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=empty_database_url,
        secret_key="test-secret-0123456789abcdef",
    )
    frontdesk = Frontdesk(settings)
    try:
        with TestClient(create_app(instance=frontdesk)) as client:
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["status"] == "unavailable"
            assert "frontdesk init" in response.json()["checks"]["migrations"]
            frontdesk.init()
            assert client.get("/readyz").status_code == 200
    finally:
        frontdesk.close()


def test_openapi_schema_and_docs_are_served(client) -> None:
    schema = client.get("/openapi.json").json()
    assert "/v1/conversations/{conversation_id}/messages" in schema["paths"]
    assert client.get("/docs").status_code == 200
