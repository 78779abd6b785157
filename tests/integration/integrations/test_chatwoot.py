"""Frontdesk as a Chatwoot Agent Bot, against a fake Chatwoot on a real local port: every
request Frontdesk sends is checked against Chatwoot's API description (the models of
``chatwoot-python-client``); the real pipeline answers on a tenant with one FAQ."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from chatwoot_client.models.conversation_id_toggle_status_body import (
    ConversationIdToggleStatusBody,
)
from chatwoot_client.models.conversation_message_create import ConversationMessageCreate
from fastapi.testclient import TestClient

from frontdesk.domain.conversation import ConversationStatus
from frontdesk.runtime import Frontdesk
from frontdesk.storage.repos import chatwoot as repo
from frontdesk.storage.tables import utcnow
from frontdesk.testing import http
from frontdesk.testing.chatwoot import FakeChatwoot, Recorded, message_event

SECRET = "cw-shared-secret-0123456789"
FAQ = (
    "question,answer,url\n"
    "How much does the Plus plan cost?,Plus costs 9.99 euros a month.,"
    "https://help.example.com/plus\n"
)
_PYTHON_TYPES = {"str": str, "bool": bool, "int": int, "object": dict}


@pytest.fixture
def chatwoot() -> Iterator[tuple[FakeChatwoot, str]]:
    fake = FakeChatwoot()
    with http.serve(fake.app()) as base:
        yield fake, base


@pytest.fixture
def connected(frontdesk: Frontdesk, acme, chatwoot, tmp_path: Path) -> FakeChatwoot:
    """acme knows one FAQ answer and is connected to the fake Chatwoot, account 1."""
    fake, base = chatwoot
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    frontdesk.chatwoot.config.configure(
        acme.id, base_url=base, account_id=1, token=fake.token, secret=SECRET
    )
    return fake


def conforms(model: type, body: dict) -> None:
    """``body`` is a valid ``model`` of Chatwoot's API description: no unknown field,
    the required ones present, enum values allowed, JSON types as declared."""
    by_json = {json_name: name for name, json_name in model.attribute_map.items()}
    assert set(body) <= set(by_json), f"unknown fields {set(body) - set(by_json)}"
    model(**{by_json[key]: value for key, value in body.items()})  # required fields, enums
    for key, value in body.items():
        expected = _PYTHON_TYPES.get(model.swagger_types[by_json[key]])
        assert expected is None or isinstance(value, expected), (key, value)


def assert_valid_request(request: Recorded) -> None:
    """A request Frontdesk sent to Chatwoot, checked against the API description."""
    assert request.method == "POST"
    if request.path.endswith("/messages"):
        conforms(ConversationMessageCreate, request.body)
    elif request.path.endswith("/toggle_status"):
        conforms(ConversationIdToggleStatusBody, request.body)
    else:
        raise AssertionError(f"Frontdesk called an unexpected endpoint: {request.path}")


EVENTS = "/v1/integrations/chatwoot/acme/events"
QUESTION = "How much does the Plus plan cost?"


def _send(client: TestClient, event: dict, secret: str | None = SECRET):
    params = {"secret": secret} if secret is not None else {}
    return client.post(EVENTS, params=params, json=event)


def _conversation_of(frontdesk: Frontdesk, acme, chatwoot_id: int) -> str | None:
    with frontdesk.database.transaction() as session:
        return repo.find_conversation(session, acme.id, chatwoot_id)


def test_a_customer_message_is_answered_with_its_sources_as_links(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    response = _send(client, message_event(1001, 41, QUESTION))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "answered"
    assert response.json()["outcome"] == "answered"

    [posted] = connected.requests
    assert posted.path == "/api/v1/accounts/1/conversations/41/messages"
    assert posted.token == connected.token
    assert_valid_request(posted)
    assert posted.body["message_type"] == "outgoing"
    assert posted.body["private"] is False
    assert "9.99 euros" in posted.body["content"]
    assert (
        "Sources:\n1. [How much does the Plus plan cost?](https://help.example.com/plus)"
        in posted.body["content"]
    )
    conversation = frontdesk.conversations.get(acme.id, _conversation_of(frontdesk, acme, 41))
    assert conversation.channel == "chatwoot"
    assert [t.speaker.value for t in conversation.turns] == ["customer", "assistant"]
    assert conversation.turns[1].id == response.json()["turn_id"]

    # The same conversation's next message continues the same Frontdesk conversation.
    assert _send(client, message_event(1003, 41, "thanks!")).status_code == 200
    again = frontdesk.conversations.get(acme.id, conversation.id)
    assert len(again.turns) == 4


def test_a_handoff_opens_the_conversation_with_a_private_note(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    response = _send(client, message_event(2001, 42, "I want to talk to a real person please"))
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "handoff"

    reply, note, status = connected.requests
    for request in (reply, note, status):
        assert request.token == connected.token
        assert_valid_request(request)
    assert reply.path == note.path == "/api/v1/accounts/1/conversations/42/messages"
    assert reply.body["private"] is False
    assert "person" in reply.body["content"]
    assert note.body["private"] is True
    assert "Reason: requested_human" in note.body["content"]
    assert "Summary:" in note.body["content"]
    assert status.path == "/api/v1/accounts/1/conversations/42/toggle_status"
    assert status.body == {"status": "open"}
    assert connected.statuses[42] == "open"

    conversation_id = _conversation_of(frontdesk, acme, 42)
    ticket = frontdesk.handoff.current_ticket(acme.id, conversation_id)
    assert ticket is not None
    assert ticket.id in note.body["content"]
    # Chatwoot's agent resolves it: Frontdesk's ticket is resolved and the conversation closed.
    resolved = {"event": "conversation_status_changed", "id": 42, "status": "resolved"}
    assert _send(client, resolved).json()["status"] == "recorded"
    assert frontdesk.handoff.current_ticket(acme.id, conversation_id).status.value == "resolved"
    closed = frontdesk.conversations.get(acme.id, conversation_id)
    assert closed.status is ConversationStatus.CLOSED


def test_a_duplicate_delivery_is_answered_once(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    event = message_event(3001, 43, QUESTION)
    first = _send(client, event)
    second = _send(client, event)
    assert first.json()["status"] == "answered"
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate"
    assert len(connected.requests) == 1
    conversation = frontdesk.conversations.get(acme.id, _conversation_of(frontdesk, acme, 43))
    assert len(conversation.turns) == 2


def test_the_bot_stays_silent_while_a_person_owns_the_conversation(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    assert _send(client, message_event(4001, 44, QUESTION)).json()["status"] == "answered"
    [own] = connected.requests
    # Frontdesk's own reply comes back as an event: from an agent bot, or (posted with a
    # person's token) as a user's message with the same text. Neither is a person's reply.
    bot_echo = message_event(900_001, 44, own.body["content"], message_type="outgoing")
    bot_echo["sender"] = {"id": 1, "name": "Frontdesk", "type": "agent_bot"}
    assert _send(client, bot_echo).json()["status"] in ("duplicate", "ignored")
    user_echo = message_event(
        4002, 44, own.body["content"], message_type="outgoing", sender_type="user"
    )
    assert _send(client, user_echo).json()["status"] == "ignored"
    note = message_event(4003, 44, "VIP customer", message_type="outgoing", sender_type="user")
    note["private"] = True
    assert _send(client, note).json()["status"] == "ignored"
    conversation_id = _conversation_of(frontdesk, acme, 44)
    assert frontdesk.conversations.get(acme.id, conversation_id).status is ConversationStatus.BOT

    agent = message_event(
        4004, 44, "Hi, Grace here, let me check.", message_type="outgoing", sender_type="user"
    )
    assert _send(client, agent).json()["status"] == "recorded"
    conversation = frontdesk.conversations.get(acme.id, conversation_id)
    assert conversation.status is ConversationStatus.HUMAN
    assert conversation.turns[-1].speaker.value == "agent"
    assert conversation.turns[-1].text == "Hi, Grace here, let me check."

    queued = _send(client, message_event(4005, 44, QUESTION, status="open"))
    assert queued.json()["status"] == "queued"
    assert len(connected.requests) == 1  # silent: nothing posted
    assert frontdesk.conversations.get(acme.id, conversation_id).turns[-1].text == QUESTION

    # The agent gives it back to the bot (status pending): Frontdesk answers again.
    back = {"event": "conversation_status_changed", "id": 44, "status": "pending"}
    assert _send(client, back).json()["status"] == "recorded"
    assert _send(client, message_event(4006, 44, QUESTION)).json()["status"] == "answered"
    assert len(connected.requests) == 2


def test_a_message_in_a_conversation_open_in_chatwoot_is_recorded_silently(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    response = _send(client, message_event(5001, 45, QUESTION, status="open"))
    assert response.json()["status"] == "queued"
    assert connected.requests == []
    conversation = frontdesk.conversations.get(acme.id, _conversation_of(frontdesk, acme, 45))
    assert conversation.status is ConversationStatus.HUMAN
    assert [t.speaker.value for t in conversation.turns] == ["customer"]


def test_chatwoot_down_keeps_the_answer_and_delivers_it_later(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    connected.down = True
    response = _send(client, message_event(6001, 46, QUESTION))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "retrying"
    assert response.json()["outcome"] == "answered"  # the answer is stored, not yet posted
    integration = frontdesk.chatwoot.config.show(acme.id)
    assert integration.state == "unreachable"
    assert integration.last_error == "HTTP 503 from POST /conversations/46/messages"
    assert frontdesk.chatwoot.delivery.process_due() == 0  # not due yet: backoff

    connected.down = False
    later = utcnow() + timedelta(seconds=15)
    assert frontdesk.chatwoot.delivery.process_due(now=later) == 1
    posted = connected.accepted()
    assert len(posted) == 1
    assert_valid_request(posted[0])
    assert "9.99 euros" in posted[0].body["content"]
    with frontdesk.database.transaction() as session:
        stored = repo.get_message(session, acme.id, 6001)
    assert stored.status == "done"
    assert stored.attempts == 2
    assert frontdesk.chatwoot.config.show(acme.id).state == "ok"
    conversation = frontdesk.conversations.get(acme.id, _conversation_of(frontdesk, acme, 46))
    assert len(conversation.turns) == 2  # answered once, delivered once
    assert frontdesk.chatwoot.delivery.process_due(now=later + timedelta(hours=2)) == 0


def test_a_handoff_interrupted_midway_resumes_where_it_stopped(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot
) -> None:
    connected.down = True
    response = _send(client, message_event(6101, 47, "I want to talk to a real person please"))
    assert response.status_code == 202
    connected.down = False
    assert frontdesk.chatwoot.delivery.process_due(now=utcnow() + timedelta(minutes=1)) == 1
    paths = [r.path.rsplit("/", 1)[1] for r in connected.accepted()]
    assert paths == ["messages", "messages", "toggle_status"]


def test_a_revoked_token_is_surfaced_and_the_answer_sent_after_a_new_one(
    client: TestClient, frontdesk: Frontdesk, acme, connected: FakeChatwoot, chatwoot
) -> None:
    connected.token = "rotated-token"  # Chatwoot no longer accepts the stored one
    response = _send(client, message_event(7001, 48, QUESTION))
    assert response.status_code == 202
    assert response.json()["status"] == "retrying"
    integration = frontdesk.chatwoot.config.show(acme.id)
    assert integration.state == "unauthorized"
    assert "401" in (integration.last_error or "")
    assert "rotated" not in (integration.last_error or "")
    assert "bot-token" not in str(integration)
    # A refused token is not hammered: nothing is retried within five minutes.
    assert frontdesk.chatwoot.delivery.process_due(now=utcnow() + timedelta(minutes=1)) == 0

    _, base = chatwoot
    frontdesk.chatwoot.config.configure(
        acme.id, base_url=base, account_id=1, token="rotated-token", keep_secret=True
    )
    assert frontdesk.chatwoot.delivery.process_due(now=utcnow() + timedelta(minutes=6)) == 1
    [delivered] = connected.accepted()
    assert delivered.token == "rotated-token"
    assert frontdesk.chatwoot.config.show(acme.id).state == "ok"
    assert _send(client, message_event(7002, 48, QUESTION)).json()["status"] == "answered"


def test_a_wrong_secret_is_401_and_an_unknown_tenant_404(
    client: TestClient, frontdesk: Frontdesk, acme, globex, connected: FakeChatwoot
) -> None:
    event = message_event(8001, 49, QUESTION)
    wrong = _send(client, event, secret="not-the-secret-at-all")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthenticated"
    missing = _send(client, event, secret=None)
    assert missing.status_code == 401
    assert "secret" in missing.json()["error"]["message"]
    unknown = client.post(
        "/v1/integrations/chatwoot/nobody/events", params={"secret": SECRET}, json=event
    )
    assert unknown.status_code == 404
    not_connected = client.post(
        "/v1/integrations/chatwoot/globex/events", params={"secret": SECRET}, json=event
    )
    assert not_connected.status_code == 404
    assert "Chatwoot" in not_connected.json()["error"]["message"]
    assert connected.requests == []
    assert _conversation_of(frontdesk, acme, 49) is None
    # The header works as well as the query, and the message id was not burnt by the 401s.
    ok = client.post(EVENTS, headers={"X-Frontdesk-Secret": SECRET}, json=event)
    assert ok.json()["status"] == "answered"


def test_a_malformed_event_is_422_and_other_events_are_ignored(
    client: TestClient, connected: FakeChatwoot
) -> None:
    bad = _send(client, {"event": "message_created", "id": "1001"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"]
    ignored = _send(client, {"event": "webwidget_triggered", "id": 5})
    assert ignored.json() == {
        "status": "ignored",
        "reason": "event webwidget_triggered is not for the bot",
        "outcome": None,
        "turn_id": None,
    }
    assert connected.requests == []


def test_the_admin_api_configures_shows_and_removes_the_integration(
    client: TestClient, acme, chatwoot
) -> None:
    fake, base = chatwoot
    admin = acme.auth("admin")
    assert client.get("/v1/integrations/chatwoot", headers=admin).status_code == 404
    body = {"base_url": base, "account_id": 1, "token": fake.token}
    created = client.put("/v1/integrations/chatwoot", json=body, headers=admin)
    assert created.status_code == 200, created.text
    secret = created.json()["secret"]
    assert secret.startswith("cwsec_")
    assert created.json()["events_path"] == EVENTS
    assert fake.token not in created.text
    shown = client.get("/v1/integrations/chatwoot", headers=admin).json()
    assert "secret" not in shown
    assert fake.token not in str(shown)
    assert shown["state"] == "ok"
    # Replacing the token keeps the secret Chatwoot already has.
    replaced = client.put("/v1/integrations/chatwoot", json={**body, "token": "t2"}, headers=admin)
    assert replaced.json()["secret"] is None
    event = message_event(9001, 50, QUESTION)
    assert client.post(EVENTS, params={"secret": secret}, json=event).status_code in (200, 202)
    assert (
        client.put(
            "/v1/integrations/chatwoot", json={**body, "account_id": True}, headers=admin
        ).status_code
        == 422
    )
    assert (
        client.put(
            "/v1/integrations/chatwoot", json={**body, "base_url": "ftp://x"}, headers=admin
        ).status_code
        == 422
    )
    agent = client.get("/v1/integrations/chatwoot", headers=acme.auth("agent"))
    assert agent.status_code == 403
    assert client.delete("/v1/integrations/chatwoot", headers=admin).status_code == 204
    assert client.post(EVENTS, params={"secret": secret}, json=event).status_code == 404
