"""Named agent accounts through the API: an admin creates agents, each signs in with a
password or a key of their own, owns tickets by name, and every change is audited."""

from __future__ import annotations

from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk

PASSWORD = "correct horse battery"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _agent(client: TestClient, acme, name: str, email: str, password: str | None = PASSWORD):
    body = {"name": name, "email": email}
    if password is not None:
        body["password"] = password
    created = client.post("/v1/agents", json=body, headers=acme.auth("admin"))
    assert created.status_code == 201, created.text
    return created.json()


def _ticket(client: TestClient, acme) -> dict:
    cid = client.post("/v1/conversations", headers=acme.auth("widget")).json()["id"]
    return client.post(f"/v1/conversations/{cid}/handoff", headers=acme.auth("widget")).json()


def _sign_in(client: TestClient, tenant: str, email: str, password: str = PASSWORD):
    return client.post(
        "/v1/agents/sign-in", json={"tenant": tenant, "email": email, "password": password}
    )


def test_an_admin_creates_agents_who_sign_in_and_appear_by_name(client, acme) -> None:
    agent = _agent(client, acme, "Sam Rivera", "Sam@Acme.example")
    assert agent["email"] == "sam@acme.example"
    assert agent["has_password"] is True
    assert agent["active"] is True
    assert "password" not in agent
    assert "password_hash" not in str(agent)
    signed = _sign_in(client, "acme", "sam@acme.example")
    assert signed.status_code == 201
    key = signed.json()["key"]
    me = client.get("/v1/tenant/me", headers=_bearer(key)).json()
    assert me["role"] == "agent"
    assert me["agent_id"] == agent["id"]
    assert me["owner_id"] == agent["id"]
    assert me["name"] == "Sam Rivera"
    ticket = _ticket(client, acme)
    reply = client.post(
        f"/v1/tickets/{ticket['id']}/reply", json={"text": "Hi, Sam here."}, headers=_bearer(key)
    )
    assert reply.status_code == 201
    detail = client.get(f"/v1/tickets/{ticket['id']}", headers=acme.auth("agent")).json()
    assert detail["assignee"] == {"key_id": agent["id"], "name": "Sam Rivera"}
    listed = client.get("/v1/agents", headers=acme.auth("agent")).json()
    assert [a["name"] for a in listed] == ["Sam Rivera"]


def test_sign_in_refuses_wrong_passwords_other_tenants_and_disabled_agents(
    client, acme, globex
) -> None:
    agent = _agent(client, acme, "Sam", "sam@acme.example")
    assert _sign_in(client, "acme", "sam@acme.example", "wrong password!").status_code == 401
    assert _sign_in(client, "globex", "sam@acme.example").status_code == 401
    assert _sign_in(client, "nobody", "sam@acme.example").status_code == 401
    assert _sign_in(client, "acme", "kim@acme.example").status_code == 401
    keyless = _agent(client, acme, "Kim", "kim@acme.example", password=None)
    assert keyless["has_password"] is False
    assert _sign_in(client, "acme", "kim@acme.example", "").status_code == 422
    assert _sign_in(client, "acme", "kim@acme.example", "anything at all").status_code == 401
    key = _sign_in(client, "acme", "sam@acme.example").json()["key"]
    issued = client.post(f"/v1/agents/{agent['id']}/keys", headers=acme.auth("admin")).json()
    disabled = client.patch(
        f"/v1/agents/{agent['id']}", json={"disabled": True}, headers=acme.auth("admin")
    )
    assert disabled.json()["active"] is False
    for stale in (key, issued["key"]):
        refused = client.get("/v1/tickets", headers=_bearer(stale))
        assert refused.status_code == 401
    assert _sign_in(client, "acme", "sam@acme.example").status_code == 401
    wrong = _sign_in(client, "acme", "sam@acme.example", "wrong password!")
    assert wrong.json()["error"]["message"] == "wrong tenant, e-mail or password"


def test_agent_admin_routes_check_roles_and_input(client, acme, globex) -> None:
    body = {"name": "Sam", "email": "sam@acme.example", "password": PASSWORD}
    assert client.post("/v1/agents", json=body, headers=acme.auth("agent")).status_code == 403
    assert client.post("/v1/agents", json=body, headers=acme.auth("widget")).status_code == 403
    assert client.get("/v1/agents", headers=acme.auth("widget")).status_code == 403
    bad_email = client.post(
        "/v1/agents", json={**body, "email": "not-an-address"}, headers=acme.auth("admin")
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["error"]["field"] == "email"
    short = client.post(
        "/v1/agents", json={**body, "password": "short"}, headers=acme.auth("admin")
    )
    assert short.status_code == 422
    assert short.json()["error"]["field"] == "password"
    extra = client.post("/v1/agents", json={**body, "role": "admin"}, headers=acme.auth("admin"))
    assert extra.status_code == 422
    agent = client.post("/v1/agents", json=body, headers=acme.auth("admin")).json()
    again = client.post("/v1/agents", json=body, headers=acme.auth("admin"))
    assert again.status_code == 409
    theirs = client.patch(
        f"/v1/agents/{agent['id']}", json={"name": "Mallory"}, headers=globex.auth("admin")
    )
    assert theirs.status_code == 404
    assert client.get("/v1/agents", headers=globex.auth("admin")).json() == []
    empty = client.patch(f"/v1/agents/{agent['id']}", json={}, headers=acme.auth("admin"))
    assert empty.status_code == 422


def test_sign_out_revokes_only_a_signed_in_key(client, acme) -> None:
    _agent(client, acme, "Sam", "sam@acme.example")
    key = _sign_in(client, "acme", "sam@acme.example").json()["key"]
    assert client.post("/v1/agents/sign-out", headers=_bearer(key)).status_code == 204
    assert client.get("/v1/tickets", headers=_bearer(key)).status_code == 401
    refused = client.post("/v1/agents/sign-out", headers=acme.auth("agent"))
    assert refused.status_code == 409
    assert client.get("/v1/tickets", headers=acme.auth("agent")).status_code == 200


def test_assign_reassign_unassign_with_roles_and_the_audit_log(
    client, acme, frontdesk: Frontdesk
) -> None:
    sam = _agent(client, acme, "Sam", "sam@acme.example")
    kim = _agent(client, acme, "Kim", "kim@acme.example")
    sam_key = _bearer(_sign_in(client, "acme", "sam@acme.example").json()["key"])
    kim_key = _bearer(_sign_in(client, "acme", "kim@acme.example").json()["key"])
    ticket = _ticket(client, acme)
    url = f"/v1/tickets/{ticket['id']}"
    taken = client.post(f"{url}/assign", headers=sam_key).json()
    assert taken["assignee"]["key_id"] == sam["id"]
    assert taken["status"] == "assigned"
    # Kim cannot take Sam's ticket, nor put it back in the queue.
    assert client.post(f"{url}/assign", headers=kim_key).status_code == 409
    assert client.post(f"{url}/unassign", headers=kim_key).status_code == 403
    # Sam hands it to Kim; Kim puts it back in the queue.
    handed = client.post(f"{url}/assign", json={"agent_id": kim["id"]}, headers=sam_key)
    assert handed.json()["assignee"] == {"key_id": kim["id"], "name": "Kim"}
    back = client.post(f"{url}/unassign", headers=kim_key).json()
    assert back["assignee"] is None
    assert back["status"] == "open"
    # An admin reassigns anything.
    client.post(f"{url}/assign", headers=kim_key)
    moved = client.post(f"{url}/assign", json={"agent_id": sam["id"]}, headers=acme.auth("admin"))
    assert moved.json()["assignee"]["name"] == "Sam"
    unknown = client.post(f"{url}/assign", json={"agent_id": "nobody"}, headers=acme.auth("admin"))
    assert unknown.status_code == 404
    malformed = client.post(f"{url}/assign", json={"agent": "x"}, headers=acme.auth("admin"))
    assert malformed.status_code == 422
    log = client.get("/v1/audit", headers=acme.auth("admin")).json()["entries"]
    moves = [
        (e["actor"], e["action"], (e["after"] or {}).get("assignee"))
        for e in reversed(log)
        if e["action"].startswith("ticket.")
    ]
    assert moves == [
        ("Sam", "ticket.assign", {"id": sam["id"], "name": "Sam"}),
        ("Sam", "ticket.assign", {"id": kim["id"], "name": "Kim"}),
        ("Kim", "ticket.unassign", None),
        ("Kim", "ticket.assign", {"id": kim["id"], "name": "Kim"}),
        (f"key:{_key_id(client, acme)}", "ticket.assign", {"id": sam["id"], "name": "Sam"}),
    ]
    assert {e["action"] for e in log} >= {"agent.create"}


def _key_id(client: TestClient, acme) -> str:
    return str(client.get("/v1/tenant/me", headers=acme.auth("admin")).json()["key_id"])
