"""``frontdesk releases|rollout|audit``: the contract for outside checks, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.errors import InvalidInputError
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.releases import release_document, stage_param


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", settings.database_url or "")
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "test-secret-0123456789abcdef")
    monkeypatch.setenv("FRONTDESK_ENV", "test")
    monkeypatch.delenv("FRONTDESK_RELEASE_FILE", raising=False)


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_the_cli_contract(frontdesk: Frontdesk, acme, cli_env: None, tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text(yaml.safe_dump(release_document("strict", decide={"threshold": 0.9})))
    wide = tmp_path / "wide.json"
    wide.write_text(json.dumps(release_document("wide", retrieve={"top_k": 8})))
    first = _run("releases", "create", str(strict), "--tenant", "acme").strip().splitlines()[-1]
    second = _run(
        "releases", "create", str(wide), "--tenant", "acme", "--label", "candidate"
    ).splitlines()[-1]
    assert (first, second) == ("strict@1", "wide@2")

    listed = json.loads(_run("releases", "list", "--tenant", "acme", "--json"))
    assert listed["labels"] == {"candidate": "wide@2"}
    shown = json.loads(_run("releases", "show", second, "--tenant", "acme", "--json"))
    assert shown["config"]["stages"][5]["params"]["top_k"] == 8
    diff = _run("releases", "diff", first, second, "--tenant", "acme")
    shipped = stage_param(release_document("wide"), "decide", "threshold")
    assert f"stages.decide.params.threshold: 0.9 -> {shipped}" in diff
    assert "stages.retrieve.params.top_k: 5 -> 8" in diff
    exported = json.loads(_run("releases", "export", first, "--tenant", "acme", "--json"))
    assert exported["id"] == "strict"
    assert "threshold: 0.9" in _run("releases", "export", first, "--tenant", "acme")
    status = json.loads(_run("releases", "status", "--tenant", "acme"))
    assert status["labels"] == {"candidate": "wide@2"}
    # The tenant's own models beside the release: none trained, the base ones serve.
    assert status["serving"]["models"] == {"intent_model": None, "retrieval_adapter": None}

    _run("rollout", "start", second, "--tenant", "acme", "--mode", "canary", "--share", "5")
    status = json.loads(_run("rollout", "status", "--tenant", "acme", "--json"))
    assert {"id", "candidate", "production", "mode", "share", "state", "trigger"} <= status.keys()
    assert (status["candidate"], status["production"]) == ("wide@2", "default@1")
    assert (status["mode"], status["share"], status["state"]) == ("canary", 5.0, "running")
    assert {"candidate_stats", "production_stats"} <= status.keys()
    _run("rollout", "stop", "--tenant", "acme")
    assert json.loads(_run("rollout", "status", "--tenant", "acme", "--json"))["state"] == "stopped"

    assert "production -> strict@1 (forced)" in _run(
        "releases", "promote", first, "--tenant", "acme", "--force"
    )
    _run("releases", "promote", second, "--tenant", "acme", "--force")
    assert _run("releases", "rollback", "--tenant", "acme").strip() == "production -> strict@1"
    entries = json.loads(_run("audit", "list", "--tenant", "acme", "--json"))["entries"]
    actions = [e["action"] for e in entries]
    assert actions[0] == "rollback"
    assert actions.count("promote_forced") == 2
    assert {"create", "label", "rollout_start", "rollout_stop"} <= set(actions)
    assert all(e["actor"].startswith("cli:") for e in entries)


def test_a_bad_file_is_refused_and_changes_nothing(
    frontdesk: Frontdesk, acme, cli_env: None, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nstages: not-a-list\n")
    result = CliRunner().invoke(app, ["releases", "create", str(bad), "--tenant", "acme"])
    assert isinstance(result.exception, InvalidInputError)
    missing = CliRunner().invoke(
        app, ["releases", "create", str(tmp_path / "nope.yaml"), "--tenant", "acme"]
    )
    assert isinstance(missing.exception, InvalidInputError)
    assert json.loads(_run("releases", "list", "--tenant", "acme", "--json"))["releases"] == []
