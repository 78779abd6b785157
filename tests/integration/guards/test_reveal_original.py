"""Agents see original (unredacted) messages only where the tenant allows it."""

from __future__ import annotations

MESSAGE = "My card 4111 1111 1111 1111 was charged twice"


def _customer_turn(client, acme) -> tuple[str, str]:
    cid = client.post("/v1/conversations", headers=acme.auth("widget")).json()["id"]
    reply = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": MESSAGE}, headers=acme.auth("widget")
    ).json()
    return cid, reply["in_reply_to"]


def test_original_is_refused_until_the_admin_enables_it(client, acme, globex) -> None:
    cid, turn_id = _customer_turn(client, acme)
    url = f"/v1/conversations/{cid}/turns/{turn_id}/original"
    refused = client.get(url, headers=acme.auth("agent"))
    assert refused.status_code == 403
    assert "reveal_pii_to_agents" in refused.json()["error"]["message"]
    assert client.get("/v1/tenant/settings", headers=acme.auth("admin")).json() == {
        "reveal_pii_to_agents": False,
        "contact_allowlist": [],
        "retention_days": None,
        "languages": [],
        "messages": {},
        "llm_daily_tokens": None,
        "llm_daily_cost": None,
    }
    assert (
        client.patch(
            "/v1/tenant/settings", json={"reveal_pii_to_agents": True}, headers=acme.auth("agent")
        ).status_code
        == 403
    )
    bad = client.patch(
        "/v1/tenant/settings", json={"reveal_everything": True}, headers=acme.auth("admin")
    )
    assert bad.status_code == 422
    enabled = client.patch(
        "/v1/tenant/settings", json={"reveal_pii_to_agents": True}, headers=acme.auth("admin")
    )
    assert enabled.json() == {
        "reveal_pii_to_agents": True,
        "contact_allowlist": [],
        "retention_days": None,
        "languages": [],
        "messages": {},
        "llm_daily_tokens": None,
        "llm_daily_cost": None,
        "backfill_job_id": None,  # no language turned on: nothing to embed
    }
    revealed = client.get(url, headers=acme.auth("agent"))
    assert revealed.status_code == 200
    assert revealed.json()["text"] == MESSAGE
    stored = client.get(f"/v1/conversations/{cid}", headers=acme.auth("agent")).json()["turns"][0][
        "text"
    ]
    assert "4111" not in stored
    assert client.get(url, headers=acme.auth("widget")).status_code == 403
    assert client.get(url, headers=globex.auth("admin")).status_code == 404
    assert client.get("/v1/tenant/settings", headers=globex.auth("admin")).json() == {
        "reveal_pii_to_agents": False,
        "contact_allowlist": [],
        "retention_days": None,
        "languages": [],
        "messages": {},
        "llm_daily_tokens": None,
        "llm_daily_cost": None,
    }


def test_contact_allowlist_is_validated_and_stored(client, acme) -> None:
    admin = acme.auth("admin")
    bad = client.patch("/v1/tenant/settings", json={"contact_allowlist": ["not a contact"]},
                       headers=admin)  # fmt: skip
    assert bad.status_code == 422
    assert client.get("/v1/tenant/settings", headers=admin).json()["contact_allowlist"] == []
    good = client.patch(
        "/v1/tenant/settings",
        json={"contact_allowlist": ["https://www.Shop.example/", "help@shop.example", "+49 30 1"]},
        headers=admin,
    )
    assert good.status_code == 422  # a phone needs six digits
    good = client.patch(
        "/v1/tenant/settings",
        json={"contact_allowlist": ["https://www.Shop.example/", "help@shop.example"]},
        headers=admin,
    )
    assert good.status_code == 200
    assert good.json()["contact_allowlist"] == ["shop.example", "help@shop.example"]
