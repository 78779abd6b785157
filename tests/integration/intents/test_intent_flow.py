"""Intent models in the running system: trained per tenant, routed per release, rolled back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.errors import InvalidInputError
from frontdesk.releases.config import ReleaseConfig, default_release
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.wait import wait_for_job
from tests.conftest import on_sqlite_only

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "clinc150_intents_sample"


def _release_with_routes() -> ReleaseConfig:
    data = default_release().model_dump()
    for stage in data["stages"]:
        if stage["name"] == "intent":
            stage["params"] = {
                "routes": {"lost_luggage": "handoff", "weather": "canned", "translate": "clarify"},
                "canned": {"weather": "We can't tell the weather, sorry."},
                "out_of_scope_route": "answer",
            }
    return ReleaseConfig.model_validate({**data, "id": "routes", "version": 2})


@pytest.fixture
def routed(settings: Settings, frontdesk: Frontdesk) -> Iterator[Frontdesk]:
    instance = Frontdesk(settings, release=_release_with_routes())
    instance.warm_up()
    yield instance
    instance.close()


def _ask(frontdesk: Frontdesk, tenant_id: str, text: str) -> dict[str, object]:
    conversation = frontdesk.conversations.create(tenant_id)
    turn = frontdesk.conversations.post_message(tenant_id, conversation.id, text).turn
    from frontdesk.api.schemas import TurnPublic

    return TurnPublic.of(turn).model_dump(mode="json")


def test_turns_carry_intent_and_follow_the_route_of_the_release(routed: Frontdesk, acme) -> None:
    routed.intents.train_file(acme.id, SAMPLE / "train.jsonl")
    balance = _ask(routed, acme.id, "how much money is left in my checking account")
    assert balance["intent"] == "balance"
    assert balance["route"] == "answer"
    assert balance["out_of_scope"] is False
    assert 0.0 < float(balance["intent_confidence"]) <= 1.0
    luggage = _ask(routed, acme.id, "the airline lost my suitcase on my flight to paris")
    assert luggage["outcome"] == "handoff"
    assert luggage["route"] == "handoff"
    assert luggage["escalation_reason"] == "intent:lost_luggage"
    weather = _ask(routed, acme.id, "will it rain tomorrow in chicago")
    assert weather["text"] == "We can't tell the weather, sorry."
    assert weather["outcome"] == "answered"
    translate = _ask(routed, acme.id, "how do you say thank you in japanese")
    assert translate["outcome"] == "clarify"
    unrelated = _ask(routed, acme.id, "what is the boiling point of mercury in kelvin")
    assert unrelated["out_of_scope"] is True
    assert unrelated["intent"] == "out_of_scope"


def test_a_tenant_without_a_model_is_answered_as_before(frontdesk: Frontdesk, acme, globex) -> None:
    frontdesk.intents.train_file(acme.id, SAMPLE / "train.jsonl")
    turn = _ask(frontdesk, globex.id, "how much money is left in my checking account")
    assert turn["intent"] is None
    assert turn["route"] == "answer"
    intent_stage = next(s for s in turn["trace"] if s["name"] == "intent")
    assert intent_stage["flags"] == ["no_model"]


def test_a_bad_file_changes_nothing_and_rollback_restores_the_old_model(
    frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    first = frontdesk.intents.train_file(acme.id, SAMPLE / "train.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hello", "label": "greet"}\n{"text": "", "label": "greet"}\n')
    with pytest.raises(InvalidInputError, match="row 2"):
        frontdesk.intents.train_file(acme.id, bad)
    assert frontdesk.intents.models(acme.id)[0].version == first.version
    fewer = tmp_path / "fewer.jsonl"
    rows = [json.loads(line) for line in (SAMPLE / "train.jsonl").read_text().splitlines()]
    fewer.write_text("".join(json.dumps(r) + "\n" for r in rows if r["label"] != "weather"))
    second = frontdesk.intents.train_file(acme.id, fewer)
    assert second.version != first.version
    assert "weather" not in {i.name for i in frontdesk.intents.intents(acme.id)}
    frontdesk.intents.activate(acme.id, first.version)
    assert "weather" in {i.name for i in frontdesk.intents.intents(acme.id)}


def test_the_api_trains_in_the_background_and_lists_intents(client, acme, globex) -> None:
    data = (SAMPLE / "train.jsonl").read_bytes()
    bad = client.post(
        "/v1/intents/train",
        files={"file": ("x.jsonl", b'{"text": "a", "label": ""}\n', "application/json")},
        headers=acme.auth("admin"),
    )
    assert bad.status_code == 422
    assert "row 1" in bad.json()["error"]["message"]
    assert (
        client.post(
            "/v1/intents/train",
            files={"file": ("train.jsonl", data, "application/json")},
            headers=acme.auth("agent"),
        ).status_code
        == 403
    )
    accepted = client.post(
        "/v1/intents/train",
        files={"file": ("train.jsonl", data, "application/json")},
        headers=acme.auth("admin"),
    )
    assert accepted.status_code == 202, accepted.text
    job = wait_for_job(client, accepted.json()["id"], acme.auth("admin"), timeout_s=120)
    assert job["status"] == "succeeded", job
    intents = client.get("/v1/intents", headers=acme.auth("agent")).json()
    assert {i["name"] for i in intents} == {
        "balance",
        "lost_luggage",
        "weather",
        "book_flight",
        "translate",
        "alarm",
        "restaurant_reservation",
        "pto_request",
    }
    assert all(i["examples"] >= 10 for i in intents)
    assert client.get("/v1/intents", headers=globex.auth("agent")).json() == []
    models = client.get("/v1/intents/models", headers=acme.auth("agent")).json()
    assert models[0]["active"] is True
    other = client.post(
        f"/v1/intents/models/{models[0]['version']}/activate", headers=globex.auth("admin")
    )
    assert other.status_code == 404


@on_sqlite_only
def test_intents_cli_train_and_eval_json(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme
) -> None:
    command = [str(Path(sys.executable).parent / "frontdesk"), "intents"]
    subprocess.run(
        [*command, "train", str(SAMPLE / "train.jsonl"), "--tenant", "acme"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    evaluated = subprocess.run(
        [*command, "eval", str(SAMPLE / "test.jsonl"), "--tenant", "acme", "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(evaluated.stdout)
    assert {"accuracy", "macro_f1", "in_scope_accuracy", "oos_recall"} <= set(report)
    assert report["accuracy"] > 0.7
    missing = subprocess.run(
        [*command, "train", "/nonexistent.jsonl", "--tenant", "acme"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert missing.returncode == 2
    assert "not found" in missing.stderr
