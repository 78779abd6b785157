"""Fine-tuned intent models in the running system: stored with their encoder, rolled back.

Tiny on purpose (the machine is shared): four intents and some out-of-scope messages, one
epoch of a few steps; bench/intents.py measures the real thing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from frontdesk.intents import load_examples
from frontdesk.intents.encoder_tuning import FineTuneOptions
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.wait import wait_for_job
from tests.conftest import on_sqlite_only

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "clinc150_intents_sample"
LABELS = {"balance", "book_flight", "weather", "translate", "oos"}
TINY = FineTuneOptions(max_steps=3, batch_size=8, max_tokens=32, threads=1)


def _subset(name: str, folder: Path) -> Path:
    rows = [json.loads(line) for line in (SAMPLE / name).read_text().splitlines()]
    path = folder / f"small-{name}"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["label"] in LABELS))
    return path


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    return _subset("train.jsonl", tmp_path)


def test_a_fine_tuned_model_carries_its_encoder_and_rolls_back_like_any_version(
    frontdesk: Frontdesk, settings: Settings, acme, small_file: Path
) -> None:
    frozen = frontdesk.intents.train_file(acme.id, small_file)
    tuned = frontdesk.intents.train(acme.id, load_examples(small_file), fine_tune=TINY)
    assert tuned.version != frozen.version
    report = tuned.report["fine_tune"]
    assert report["objective"] == "classify"
    assert report["steps"] == 3
    assert report["precision"] in {"int8", "fp32"}
    assert set(report["heldout_accuracy"]) == {"int8", "fp32"}
    model = frontdesk.intents.active_model(acme.id)
    assert model is not None
    assert model.encoder is not None
    assert model.features.embedder.model_id.startswith("onnx:tuned:")
    text = "how much money is left in my checking account"
    assert model.predict(text).label == "balance"

    # Another process (a replica) loads the same model, encoder included, from the database.
    replica = Frontdesk(settings)
    try:
        reloaded = replica.intents.active_model(acme.id)
        assert reloaded is not None
        assert reloaded.version == tuned.version
        np.testing.assert_allclose(
            reloaded.probabilities([text]), model.probabilities([text]), atol=1e-6
        )
    finally:
        replica.close()

    frontdesk.intents.activate(acme.id, frozen.version)
    rolled_back = frontdesk.intents.active_model(acme.id)
    assert rolled_back is not None
    assert rolled_back.encoder is None
    assert not rolled_back.features.embedder.model_id.startswith("onnx:tuned:")
    frontdesk.intents.activate(acme.id, tuned.version)
    assert frontdesk.intents.active_model(acme.id).version == tuned.version


def test_the_api_fine_tunes_in_a_background_job(client, acme, small_file: Path) -> None:
    data = small_file.read_bytes()
    refused = client.post(
        "/v1/intents/train?fine_tune=maybe",
        files={"file": ("small.jsonl", data, "application/json")},
        headers=acme.auth("admin"),
    )
    assert refused.status_code == 422
    accepted = client.post(
        "/v1/intents/train?fine_tune=true",
        files={"file": ("small.jsonl", data, "application/json")},
        headers=acme.auth("admin"),
    )
    assert accepted.status_code == 202, accepted.text
    job = wait_for_job(client, accepted.json()["id"], acme.auth("admin"), timeout_s=600)
    assert job["status"] == "succeeded", job
    models = client.get("/v1/intents/models", headers=acme.auth("agent")).json()
    assert models[0]["active"] is True
    assert models[0]["report"]["fine_tune"]["objective"] == "classify"


@on_sqlite_only
def test_cli_fine_tune_prints_the_report_and_eval_keeps_its_keys(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme, small_file: Path
) -> None:
    command = [str(Path(sys.executable).parent / "frontdesk"), "intents"]
    trained = subprocess.run(
        [*command, "train", str(small_file), "--tenant", "acme", "--fine-tune", "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    report = json.loads(trained.stdout)["report"]
    assert report["fine_tune"]["steps"] >= 1
    small_test = _subset("test.jsonl", small_file.parent)
    evaluated = subprocess.run(
        [*command, "eval", str(small_test), "--tenant", "acme", "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert {"accuracy", "in_scope_accuracy", "oos_recall"} <= set(json.loads(evaluated.stdout))
    wrong = subprocess.run(
        [*command, "train", str(small_file), "--tenant", "acme", "--fine-tune", "--objective", "x"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert wrong.returncode == 2
    assert "classify or contrastive" in wrong.stdout + wrong.stderr
