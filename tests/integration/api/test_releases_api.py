"""``/v1/releases``, ``/v1/rollouts`` and ``/v1/audit`` over HTTP: admin only, JSON or
YAML documents, clear 4xx errors that change nothing, and the contract's shapes."""

from __future__ import annotations

import yaml

from frontdesk.testing.releases import release_document

ROLLOUT_KEYS = {
    "id",
    "candidate",
    "production",
    "mode",
    "share",
    "state",
    "trigger",
    "candidate_stats",
    "production_stats",
}


def test_an_admin_manages_releases_and_rollouts(client, acme) -> None:
    admin = acme.auth("admin")
    created = client.post(
        "/v1/releases?label=candidate", json=release_document("strict"), headers=admin
    )
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "strict@1"
    assert created.json()["labels"] == ["candidate"]
    as_yaml = yaml.safe_dump(release_document("wide", retrieve={"top_k": 8}))
    second = client.post(
        "/v1/releases",
        content=as_yaml,
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert second.status_code == 201, second.text
    listed = client.get("/v1/releases", headers=admin).json()
    assert [r["id"] for r in listed["releases"]] == ["strict@1", "wide@2"]
    diff = client.get("/v1/releases/diff", params={"a": "1", "b": "2"}, headers=admin).json()
    assert {c["path"] for c in diff["changes"]} == {"id", "stages.retrieve.params.top_k"}
    exported = client.get("/v1/releases/wide@2/export?format=yaml", headers=admin)
    assert yaml.safe_load(exported.text)["id"] == "wide"

    started = client.post(
        "/v1/rollouts",
        json={"candidate": "wide@2", "mode": "canary", "share": 5},
        headers=admin,
    )
    assert started.status_code == 201, started.text
    status = client.get("/v1/rollouts", headers=admin).json()
    assert status.keys() >= ROLLOUT_KEYS
    assert client.get("/v1/rollouts/latest", headers=admin).json() == {"rollout": status}
    assert (status["state"], status["mode"], status["share"]) == ("running", "canary", 5.0)
    conversation = client.post("/v1/conversations", json={}, headers=acme.auth("widget")).json()
    reply = client.post(
        f"/v1/conversations/{conversation['id']}/messages",
        json={"text": "hello"},
        headers=acme.auth("widget"),
    ).json()
    assert reply["release_id"] in {"default@1", "wide@2"}
    stopped = client.post("/v1/rollouts/stop", headers=admin).json()
    assert stopped["state"] == "stopped"

    forced = client.post("/v1/releases/strict@1/promote", json={"force": True}, headers=admin)
    assert forced.status_code == 200, forced.text
    entries = client.get("/v1/audit", headers=admin).json()["entries"]
    assert entries[0]["action"] == "promote_forced"
    assert entries[0]["actor"].startswith("key:")
    assert entries[0]["role"] == "admin"
    serving = client.get("/v1/releases/status", headers=admin).json()
    assert serving["serving"]["production"] == "strict@1"


def test_refusals_are_clear_and_change_nothing(client, acme, globex) -> None:
    admin = acme.auth("admin")
    for role in ("agent", "widget"):
        assert client.get("/v1/releases", headers=acme.auth(role)).status_code == 403
        assert client.get("/v1/audit", headers=acme.auth(role)).status_code == 403
    leaky = release_document("leaky")
    leaky["stages"][0]["params"]["password"] = "letmein-letmein"
    refused = client.post("/v1/releases", json=leaky, headers=admin)
    assert refused.status_code == 422
    assert "environment variable" in refused.json()["error"]["message"]
    assert client.post("/v1/releases", content=b"{", headers=admin).status_code == 422
    assert client.get("/v1/releases/nonsense!", headers=admin).status_code == 422
    assert client.get("/v1/releases/7", headers=admin).status_code == 404
    assert client.post("/v1/releases/rollback", headers=admin).status_code == 409
    no_rollout = client.post(
        "/v1/rollouts", json={"candidate": "1", "mode": "canary", "share": 5}, headers=admin
    )
    assert no_rollout.status_code == 404
    assert client.get("/v1/releases", headers=admin).json()["releases"] == []
    assert client.get("/v1/audit", headers=admin).json()["entries"] == []
    mine = client.post("/v1/releases", json=release_document("mine"), headers=admin).json()
    other = globex.auth("admin")
    assert client.get(f"/v1/releases/{mine['id']}", headers=other).status_code == 404
    bad_share = client.post(
        "/v1/rollouts", json={"candidate": "1", "mode": "canary", "share": 80}, headers=admin
    )
    assert bad_share.status_code == 422
    promote = client.post("/v1/releases/1/promote", json={}, headers=admin)
    assert promote.status_code == 409
    assert "labelled set" in promote.json()["error"]["message"]


def test_no_rollout_yet_is_a_normal_state_for_latest_and_a_404_for_status(client, acme) -> None:
    admin = acme.auth("admin")
    latest = client.get("/v1/rollouts/latest", headers=admin)
    assert (latest.status_code, latest.json()) == (200, {"rollout": None})
    assert client.get("/v1/rollouts", headers=admin).status_code == 404  # unchanged contract
    for role in ("agent", "widget"):
        assert client.get("/v1/rollouts/latest", headers=acme.auth(role)).status_code == 403
