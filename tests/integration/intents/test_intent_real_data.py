"""Public sets as a new user meets them: repeated rows, a few test messages per intent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from frontdesk.runtime import Frontdesk
from frontdesk.testing.wait import wait_for_job
from tests.conftest import on_sqlite_only

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "banking77_intents_sample"
COMMAND = [str(Path(sys.executable).parent / "frontdesk"), "intents"]


def _run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=300, check=check
    )


@on_sqlite_only
def test_banking77_shaped_splits_train_and_evaluate_through_the_cli(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme
) -> None:
    trained = _run(cli_env, "train", str(SAMPLE / "train.jsonl"), "--tenant", "acme", "--json")
    assert "merged 2 exact duplicates" in trained.stderr
    assert "row 2 (= row 1)" in trained.stderr
    result = json.loads(trained.stdout)
    assert result["duplicates_merged"] == 2
    assert result["report"]["examples"] == 58

    evaluated = _run(cli_env, "eval", str(SAMPLE / "test.jsonl"), "--tenant", "acme", "--json")
    report = json.loads(evaluated.stdout)
    assert report["examples"] == 12  # the repeated test message is scored twice
    assert report["duplicate_examples"] == 1
    assert {"accuracy", "macro_f1", "ece", "false_rejection_rate"} <= set(report)
    assert report["shipped_metric"] == "accuracy"
    # All rows are in scope: rejection can only turn right answers into wrong ones, and
    # no more of them than it rejects.
    closed, shipped = report["closed_set_accuracy"], report["accuracy"]
    assert closed - report["false_rejection_rate"] - 1e-9 <= shipped <= closed
    assert closed >= 0.75

    table = _run(cli_env, "eval", str(SAMPLE / "test.jsonl"), "--tenant", "acme")
    assert "The product ships 'accuracy'" in table.stderr


def test_training_refuses_one_text_under_two_labels_naming_both_rows(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    lines = (SAMPLE / "train.jsonl").read_text(encoding="utf-8").splitlines()
    lines.append(json.dumps({"text": "Where can I withdraw money from?", "label": "change_pin"}))
    conflicting = tmp_path / "conflicting.jsonl"
    conflicting.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = _run(cli_env, "train", str(conflicting), "--tenant", "acme", check=False)
    assert refused.returncode == 2
    assert "rows 1 and 61" in refused.stderr
    assert "'atm_support' and 'change_pin'" in refused.stderr
    assert frontdesk.intents.models(acme.id) == []


def test_the_api_merges_exact_duplicates_and_counts_them(client: Any, acme: Any) -> None:
    accepted = client.post(
        "/v1/intents/train",
        files={"file": ("train.jsonl", (SAMPLE / "train.jsonl").read_bytes(), "application/json")},
        headers=acme.auth("admin"),
    )
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["total"] == 58
    job = wait_for_job(client, accepted.json()["id"], acme.auth("admin"), timeout_s=120)
    assert job["status"] == "succeeded", job
    assert job["result"]["duplicates_merged"] == 2
    assert job["result"]["report"]["examples"] == 58
