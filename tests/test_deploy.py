"""deploy/compose.yaml stays a valid Compose file (checked offline against the
compose-spec JSON schema that check-jsonschema vendors) and stays the deployment
docs/scaling.md describes: two API replicas probed on /readyz, a worker, PostgreSQL with
pgvector, Redis, and a reverse proxy, configured only with settings that exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from frontdesk.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "deploy" / "compose.yaml"
CHECK = str(Path(sys.executable).parent / "check-jsonschema")


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHECK, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_the_compose_file_matches_the_compose_spec_schema() -> None:
    result = _validate(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_refuses_a_broken_compose_file(tmp_path: Path) -> None:
    broken = tmp_path / "compose.yaml"
    broken.write_text(
        COMPOSE.read_text().replace("    stop_grace_period: 60s", "    stop_grace_period: [60]")
    )
    result = _validate(broken)
    assert result.returncode == 1
    assert "stop_grace_period" in result.stdout


def test_it_runs_two_api_replicas_a_worker_postgres_with_pgvector_redis_and_a_proxy(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["api"]["deploy"]["replicas"] == 2
    assert services["api"]["command"][:2] == ["frontdesk", "serve"]
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])
    assert services["worker"]["command"][:2] == ["frontdesk", "worker"]
    assert services["migrate"]["command"] == ["frontdesk", "init"]
    assert services["postgres"]["image"].startswith("pgvector/pgvector:")
    assert services["redis"]["image"].startswith("redis:")
    assert "api:8000" in (ROOT / "deploy" / "nginx.conf").read_text()
    assert services["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"


def test_every_frontdesk_variable_it_sets_is_a_real_setting(compose: dict[str, Any]) -> None:
    fields = {f"FRONTDESK_{name.upper()}" for name in Settings.model_fields}
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        unknown = {k for k in environment if k.startswith("FRONTDESK_")} - fields
        assert unknown == set(), f"{name}: {sorted(unknown)}"
    api = compose["services"]["api"]["environment"]
    assert api["FRONTDESK_JOB_QUEUE"] == "postgres"
    assert api["FRONTDESK_DATABASE_URL"].startswith("postgresql://")
