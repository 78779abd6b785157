"""The audit log records what an operator looks for, not only ticket assignment: keys
created and revoked, settings changed, knowledge deleted, FAQ entries approved and
erasures, each by its key, in the tenant's own log, without secrets or customer text."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk
from tests.conftest import TenantKeys

QUESTION = "Do you deliver parcels to Antarctica by sledge?"
FAQ = "question,answer,url\nHow much is Plus?,Plus costs 9.99 a month.,https://help.example.com/plus\n"


def test_admin_actions_are_in_the_tenants_audit_log(
    client: TestClient, frontdesk: Frontdesk, acme: TenantKeys, globex: TenantKeys, tmp_path: Path
) -> None:
    admin = acme.auth("admin")
    created = client.post("/v1/keys", json={"role": "agent", "name": "night shift"}, headers=admin)
    assert created.status_code == 201, created.text
    secret, key_id = created.json()["key"], created.json()["id"]
    assert client.delete(f"/v1/keys/{key_id}", headers=admin).status_code == 200

    changes = {"reveal_pii_to_agents": True, "messages": {"de": {"handoff": "Einen Moment."}}}
    assert client.patch("/v1/tenant/settings", json=changes, headers=admin).status_code == 200

    path = tmp_path / "faq.csv"
    path.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [path])
    [document] = frontdesk.knowledge.list_documents(acme.id)
    deleted = client.delete(f"/v1/knowledge/documents/{document.id}", headers=admin)
    assert deleted.status_code == 200, deleted.text

    widget = acme.auth("widget")
    conversation = client.post("/v1/conversations", headers=widget).json()["id"]
    sent = client.post(
        f"/v1/conversations/{conversation}/messages", json={"text": QUESTION}, headers=widget
    )
    assert sent.status_code == 201, sent.text
    turns = client.get(f"/v1/conversations/{conversation}", headers=widget).json()["turns"]
    question_id = next(t["id"] for t in turns if t["role"] == "customer")
    entry = {
        "question": "Do you deliver to Antarctica?",
        "answer": "No, not yet.",
        "source": {"kind": "question", "id": question_id},
    }
    approved = client.post("/v1/knowledge/faq", json=entry, headers=acme.auth("agent"))
    assert approved.status_code == 201, approved.text

    erased = client.post(
        "/v1/privacy/erasures", json={"conversation_id": conversation}, headers=admin
    )
    assert erased.status_code == 201, erased.text

    log = client.get("/v1/audit", headers=admin).json()["entries"]
    by_action = {e["action"]: e for e in log}
    admin_key = frontdesk.tenants.authenticate(acme.admin).key_id
    agent_key = frontdesk.tenants.authenticate(acme.agent).key_id
    assert [e["action"] for e in reversed(log)] == [
        "key.create",
        "key.revoke",
        "tenant.configure",
        "knowledge.delete",
        "faq.approve",
        "privacy.erase",
    ]
    assert {e["actor"] for e in log} == {f"key:{admin_key}", f"key:{agent_key}"}
    assert by_action["faq.approve"]["actor"] == f"key:{agent_key}"
    assert by_action["key.create"]["target"] == key_id
    assert by_action["key.create"]["after"] == {"role": "agent", "name": "night shift"}
    assert by_action["key.revoke"]["target"] == key_id
    configured = by_action["tenant.configure"]
    assert configured["before"] == {"reveal_pii_to_agents": False, "messages": []}
    assert configured["after"] == {"reveal_pii_to_agents": True, "messages": ["de.handoff"]}
    assert by_action["knowledge.delete"]["before"]["uri"] == document.uri
    assert by_action["faq.approve"]["after"]["source"] == f"question:{question_id}"
    assert by_action["privacy.erase"]["after"]["scope"] == "conversation"
    written = json.dumps(log)
    for private in (secret, QUESTION, "Antarctica", conversation, "Einen Moment"):
        assert private not in written
    # The tenant's own log only.
    assert client.get("/v1/audit", headers=globex.auth("admin")).json()["entries"] == []
