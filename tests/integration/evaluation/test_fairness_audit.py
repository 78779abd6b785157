"""``frontdesk audit fairness`` on stored turns (segments by conversation metadata) and on
a labelled set (segments by language), through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk

# The venv this test runs in, wherever the checkout is.
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")

FAQ = "question,answer\nHow much does the Plus plan cost?,Plus costs 9.99 euros a month.\n"


def _audit(cli_env: dict[str, str], *args: str) -> dict:
    ran = subprocess.run(
        [FRONTDESK, "audit", "fairness", "--tenant", "acme", "--json", *args],
        capture_output=True, text=True, env=cli_env,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return dict(json.loads(ran.stdout.splitlines()[-1]))


def test_a_segment_escalated_far_more_often_is_flagged(
    client: TestClient, frontdesk: Frontdesk, acme, cli_env, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    widget = acme.auth("widget")
    for tier, text in (("gold", "How much does the Plus plan cost?"),
                       ("free", "I want to talk to a real person please")):  # fmt: skip
        for _ in range(6):
            cid = client.post(
                "/v1/conversations", json={"metadata": {"tier": tier}}, headers=widget
            ).json()["id"]
            client.post(f"/v1/conversations/{cid}/messages", json={"text": text}, headers=widget)
    report = _audit(cli_env, "--by", "tier")
    by_value = {s["value"]: s for s in report["segments"]}
    assert by_value["gold"]["n"] == 6
    assert by_value["free"]["n"] == 6
    assert by_value["gold"]["escalation_rate"] == 0.0
    assert by_value["free"]["escalation_rate"] == 1.0
    assert report["flagged"] == [
        {"value": "free", "metric": "escalation_rate", "gap": 1.0, "best": "gold"}
    ]
    assert _audit(cli_env, "--by", "channel")["flagged"] == []  # one channel: nothing to compare
    # The dashboard's panel reads the same audit from the API (agents and admins only).
    api = client.get("/v1/stats/fairness", params={"by": "tier"}, headers=acme.auth("agent"))
    assert api.status_code == 200, api.text
    assert api.json()["segments"] == report["segments"]
    assert api.json()["flagged"] == report["flagged"]
    assert client.get("/v1/stats/fairness", headers=widget).status_code == 403
    bad = client.get("/v1/stats/fairness", params={"days": 0}, headers=acme.auth("agent"))
    assert bad.status_code == 422


def test_a_labelled_set_adds_accuracy_per_language(
    frontdesk: Frontdesk, acme, cli_env, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    rows = [
        {"id": "en1", "text": "How much does the Plus plan cost?", "expect": "answer",
         "must_include": [["9.99"]], "lang": "en"},
        {"id": "en2", "text": "what does plus cost", "expect": "answer",
         "must_include": [["9.99"]], "lang": "en"},
        {"id": "de1", "text": "Was kostet der Plus-Tarif?", "expect": "answer",
         "must_include": [["9.99"]], "lang": "de"},
    ]  # fmt: skip
    labelled = tmp_path / "eval.jsonl"
    labelled.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    report = _audit(cli_env, "--by", "language", "--eval", str(labelled), "--min-n", "1")
    assert report["source"] == "eval"
    by_value = {s["value"]: s for s in report["segments"]}
    assert set(by_value) == {"en", "de"}
    assert by_value["en"]["n"] == 2
    assert by_value["de"]["n"] == 1
    assert by_value["en"]["accuracy"] is not None
    assert by_value["en"]["intervals"]["accuracy"][0] <= by_value["en"]["accuracy"]
