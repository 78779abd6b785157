"""Every /v1 route authenticates, checks the role, and stays inside the key's tenant."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk


def _conversation_with_a_turn(client: TestClient, headers: dict[str, str]) -> str:
    conversation_id = str(client.post("/v1/conversations", headers=headers).json()["id"])
    client.post(
        f"/v1/conversations/{conversation_id}/messages", json={"text": "secret"}, headers=headers
    )
    return conversation_id


def _assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]


ROUTES = [
    ("post", "/v1/conversations", None),
    ("get", "/v1/conversations", None),
    ("get", "/v1/conversations/{cid}", None),
    ("post", "/v1/conversations/{cid}/messages", {"text": "hi"}),
    ("get", "/v1/keys", None),
    ("post", "/v1/keys", {"role": "agent"}),
    ("delete", "/v1/keys/{kid}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_v1_route_needs_a_key(client, method, path, body) -> None:
    url = path.format(cid="x", kid="x")
    response = client.request(method, url, json=body)
    _assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Basic dXNlcjpwYXNz", "Bearer not-a-key", "Bearer fdk_" + "A" * 43],
)
def test_malformed_or_unknown_keys_are_401(client, header) -> None:
    response = client.get("/v1/conversations/x", headers={"Authorization": header})
    _assert_error(response, 401, "unauthenticated")


def test_a_revoked_key_is_401_from_then_on(client, acme, frontdesk: Frontdesk) -> None:
    assert client.post("/v1/conversations", headers=acme.auth("widget")).status_code == 201
    widget = next(k for k in frontdesk.tenants.list_keys("acme") if k.role.value == "widget")
    revoked = client.delete(f"/v1/keys/{widget.id}", headers=acme.auth("admin"))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    response = client.post("/v1/conversations", headers=acme.auth("widget"))
    _assert_error(response, 401, "unauthenticated")
    assert "revoked" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("widget", "get", "/v1/conversations", None),
        ("widget", "get", "/v1/keys", None),
        ("widget", "post", "/v1/keys", {"role": "admin"}),
        ("agent", "get", "/v1/keys", None),
        ("agent", "post", "/v1/keys", {"role": "admin"}),
        ("agent", "delete", "/v1/keys/{kid}", None),
    ],
)
def test_wrong_role_is_403_and_changes_nothing(
    client, acme, frontdesk: Frontdesk, role, method, path, body
) -> None:
    def keys() -> list[tuple[str, str, object]]:
        return [(k.id, k.role.value, k.revoked_at) for k in frontdesk.tenants.list_keys("acme")]

    before = keys()
    url = path.format(kid=before[0][0])
    _assert_error(client.request(method, url, json=body, headers=acme.auth(role)), 403, "forbidden")
    assert keys() == before


def test_another_tenants_conversation_is_404_on_every_route(
    client, acme, globex, frontdesk
) -> None:
    theirs = _conversation_with_a_turn(client, acme.auth("widget"))
    before = frontdesk.conversations.get(acme.id, theirs)
    for role in ("admin", "agent", "widget"):
        read = client.get(f"/v1/conversations/{theirs}", headers=globex.auth(role))
        _assert_error(read, 404, "not_found")
        assert "secret" not in read.text
        write = client.post(
            f"/v1/conversations/{theirs}/messages",
            json={"text": "intrusion"},
            headers={**globex.auth(role), "Idempotency-Key": f"x-{role}"},
        )
        _assert_error(write, 404, "not_found")
    assert frontdesk.conversations.get(acme.id, theirs) == before


def test_listing_conversations_shows_only_the_callers_tenant(client, acme, globex) -> None:
    mine = _conversation_with_a_turn(client, acme.auth("widget"))
    theirs = _conversation_with_a_turn(client, globex.auth("widget"))
    listed = client.get("/v1/conversations", headers=acme.auth("agent")).json()
    ids = {c["id"] for c in listed}
    assert mine in ids
    assert theirs not in ids


def test_an_admin_cannot_see_or_revoke_another_tenants_keys(
    client, acme, globex, frontdesk
) -> None:
    listed = client.get("/v1/keys", headers=globex.auth("admin")).json()
    assert {k["id"] for k in listed} == {k.id for k in frontdesk.tenants.list_keys("globex")}
    acme_key = frontdesk.tenants.list_keys("acme")[0]
    _assert_error(
        client.delete(f"/v1/keys/{acme_key.id}", headers=globex.auth("admin")), 404, "not_found"
    )
    assert frontdesk.tenants.list_keys("acme")[0].revoked_at is None


def test_an_admin_creates_a_key_that_is_shown_once_and_works(client, acme) -> None:
    created = client.post(
        "/v1/keys", json={"role": "agent", "name": "console"}, headers=acme.auth("admin")
    )
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("fdk_")
    listed = client.get("/v1/keys", headers=acme.auth("admin")).text
    assert key not in listed
    assert created.json()["prefix"] in listed
    assert (
        client.get("/v1/conversations", headers={"Authorization": f"Bearer {key}"}).status_code
        == 200
    )


def test_an_unknown_role_is_422_naming_the_field(client, acme) -> None:
    response = client.post("/v1/keys", json={"role": "root"}, headers=acme.auth("admin"))
    _assert_error(response, 422, "invalid_input")
    assert response.json()["error"]["field"] == "role"


def test_unknown_routes_and_methods_use_the_same_error_body(client) -> None:
    _assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    _assert_error(client.put("/healthz"), 405, "method_not_allowed")
