"""``frontdesk eval`` end to end: real database, real models, the report's contract, and
nothing written to the tenant's data."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.repos import adapters as adapters_repo
from frontdesk.storage.tables import Base
from frontdesk.testing.encoders import nudged_encoder
from tests.conftest import on_sqlite_only

pytestmark = pytest.mark.slow

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
HELPCENTER = Path(__file__).resolve().parents[2] / "data" / "eval_helpcenter"
EVAL_FILE = HELPCENTER / "eval.jsonl"
CONTRACT = {
    "n",
    "accuracy",
    "answered",
    "answered_precision",
    "false_decline_rate",
    "escalation_rate",
    "answerable_escalation_rate",
    "leaks",
    "citation_hit",
    "p50_ms",
    "p95_ms",
    "by_kind",
    "release",
}


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command builds its own Frontdesk from the environment: point it at the test's."""
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "test-secret-0123456789abcdef")
    monkeypatch.setenv("FRONTDESK_ENV", "test")
    monkeypatch.delenv("FRONTDESK_RELEASE_FILE", raising=False)


@pytest.fixture
def helpcenter_tenant(frontdesk: Frontdesk, acme) -> str:
    report = frontdesk.knowledge.ingest_paths(
        acme.id,
        [HELPCENTER / "articles", HELPCENTER / "faq.csv", HELPCENTER / "tickets.jsonl"],
    )
    assert report.failed == {}
    return str(acme.name)


def _installed_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, for what ``run()`` adds: errors as one line and exit code 2."""
    return subprocess.run(
        [FRONTDESK, *args], env=dict(os.environ), capture_output=True, text=True, timeout=300
    )


# Vectors of the tenant's own knowledge, stored by whichever search computes them first
# (the multilingual index, for eval's non-English rows): a cache, not something eval records.
CACHES = frozenset({"passage_vectors"})


def _row_counts(frontdesk: Frontdesk) -> dict[str, int]:
    with frontdesk.database.transaction() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            if table.name not in CACHES
        }


def test_eval_reports_the_contract_and_writes_nothing(
    frontdesk: Frontdesk, helpcenter_tenant: str, cli_env: None, tmp_path: Path
) -> None:
    before = _row_counts(frontdesk)
    out = tmp_path / "rows.jsonl"
    result = CliRunner().invoke(
        app,
        ["eval", str(EVAL_FILE), "--tenant", helpcenter_tenant, "--json", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) >= CONTRACT
    assert report["n"] == 13
    assert report["accuracy"] == round(report["correct"] / 13, 4)
    assert sum(kind["n"] for kind in report["by_kind"].values()) == 13
    assert set(report["by_kind"]) >= {"article", "smalltalk", "needs_human", "followup"}
    assert report["release"]["id"] == "default"
    assert report["release"]["digest"] == frontdesk.release.digest
    assert 0 < report["p50_ms"] <= report["p95_ms"]
    for key in ("answered_precision", "false_decline_rate", "citation_hit"):
        assert 0.0 <= report[key] <= 1.0

    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 13
    assert sum(r["correct"] for r in rows) == report["correct"]
    assert sum(bool(r["leaked"]) for r in rows) == report["leaks"]
    # The plainest question of the set is answered from its article and cites it.
    reset = next(r for r in rows if r["id"] == "reset-link")
    assert reset["outcome"] == "answered", reset
    assert reset["correct"], reset
    assert reset["citation_hit"] is True
    assert all(r["why"] == "" for r in rows if r["correct"])
    assert all(r["why"] for r in rows if not r["correct"])
    followup = next(r for r in rows if r["id"] == "abroad-followup")
    assert len(followup["earlier_outcomes"]) == 1

    assert _row_counts(frontdesk) == before


def test_eval_takes_a_split_and_a_release_file(
    frontdesk: Frontdesk, helpcenter_tenant: str, cli_env: None, tmp_path: Path
) -> None:
    release = frontdesk.release.model_copy(update={"id": "candidate", "version": 3})
    path = tmp_path / "release.json"
    path.write_text(release.model_dump_json())
    result = CliRunner().invoke(
        app,
        [
            *("eval", str(EVAL_FILE), "-t", helpcenter_tenant, "--split", "dev"),
            *("--release", str(path), "--json"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["n"] == 5
    assert report["split"] == "dev"
    assert report["release"] == {
        "id": "candidate",
        "version": 3,
        "digest": release.digest,
        "models": {"intent_model": None, "retrieval_adapter": None},
    }


def test_the_report_names_the_retrieval_adapter_the_release_served(
    frontdesk: Frontdesk, helpcenter_tenant: str, cli_env: None
) -> None:
    """A published figure says which of the tenant's models produced it: the release's
    digest does not change when a tenant activates an adapter."""
    tenant_id = frontdesk.tenants.get_tenant(helpcenter_tenant).id
    data = nudged_encoder(1)
    version = hashlib.sha256(data).hexdigest()
    with frontdesk.database.transaction() as session:
        adapters_repo.save(session, tenant_id, version, data, {})
    frontdesk.adaptation.activate(tenant_id, version)
    args = ["eval", str(EVAL_FILE), "-t", helpcenter_tenant, "--split", "dev", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["release"]["digest"] == frontdesk.release.digest
    assert report["release"]["models"] == {"intent_model": None, "retrieval_adapter": version}


def test_without_json_it_prints_a_table_and_the_failures(
    frontdesk: Frontdesk, helpcenter_tenant: str, cli_env: None, tmp_path: Path
) -> None:
    rows = tmp_path / "two.jsonl"
    rows.write_text(
        '{"id": "ok", "text": "how long is the password reset link valid?", '
        '"expect": "answer", "must_include": [["24 hours"]]}\n'
        '{"id": "bad", "text": "how long is the password reset link valid?", '
        '"expect": "decline", "kind": "trap"}\n'
    )
    result = CliRunner().invoke(app, ["eval", str(rows), "--tenant", helpcenter_tenant])
    assert result.exit_code == 0, result.output
    assert "answered_precision" in result.output
    assert "1 failed" in result.output
    assert "bad (trap)" in result.output
    assert "expected decline, got answered" in result.output


def test_a_malformed_file_names_line_and_field_and_writes_nothing(
    frontdesk: Frontdesk, helpcenter_tenant: str, cli_env: None, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "hi", "expect": "answer"}\n'
        '{"id": "b", "text": "hi", "expect": "answer", "must_include": "24 hours"}\n'
    )
    out = tmp_path / "rows.jsonl"
    before = _row_counts(frontdesk)
    result = _installed_cli("eval", str(bad), "--tenant", helpcenter_tenant, "--out", str(out))
    assert result.returncode == 2
    assert f"{bad} line 2: field 'must_include'" in result.stderr
    assert result.stdout == ""
    assert not out.exists()
    assert _row_counts(frontdesk) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nobody"], "nobody"),
        (["--tenant", "acme", "--release", "missing.json"], "--release missing.json"),
    ],
)
@on_sqlite_only
def test_an_unknown_tenant_or_release_is_a_clean_error(
    frontdesk: Frontdesk, helpcenter_tenant: str, cli_env: None, args: list[str], message: str
) -> None:
    result = _installed_cli("eval", str(EVAL_FILE), *args)
    assert result.returncode == 2
    assert message in result.stderr
