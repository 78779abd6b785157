"""Customers are served in their own language: each turn records the message's language
and the reply's, the language is sticky per conversation, the tenant chooses its
languages, and the widget's texts come in the customer's language."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.runtime import Frontdesk


def _conversation(client: TestClient, acme, **body: object) -> str:
    response = client.post("/v1/conversations", json=body, headers=acme.auth("widget"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _say(client: TestClient, acme, conversation_id: str, text: str) -> dict:
    response = client.post(
        f"/v1/conversations/{conversation_id}/messages",
        json={"text": text},
        headers=acme.auth("widget"),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_each_turn_records_the_language_and_it_is_sticky(client, acme) -> None:
    conversation_id = _conversation(client, acme)
    reply = _say(client, acme, conversation_id, "Wie lange ist ein Versandlabel gültig?")
    assert (reply["language"], reply["reply_language"]) == ("de", "de")
    assert "Hilfe-Center" in reply["text"]  # the decline, in German (no knowledge yet)

    reply = _say(client, acme, conversation_id, "ok")
    assert (reply["language"], reply["reply_language"]) == ("de", "de")

    reply = _say(client, acme, conversation_id, "can we speak English?")
    assert (reply["language"], reply["reply_language"]) == ("en", "en")

    turns = client.get(f"/v1/conversations/{conversation_id}", headers=acme.auth("widget"))
    customer = [t for t in turns.json()["turns"] if t["role"] == "customer"]
    assert [t["language"] for t in customer] == ["de", "de", "en"]


def test_small_talk_is_answered_in_the_browser_language(client, acme) -> None:
    conversation_id = _conversation(client, acme, language="fr-CH")
    reply = _say(client, acme, conversation_id, "hello")
    assert reply["route"] == "smalltalk"
    assert (reply["language"], reply["reply_language"]) == ("fr", "fr")
    assert reply["text"] == "Bonjour ! Comment puis-je vous aider aujourd'hui ?"


def test_a_bad_browser_language_is_refused(client, acme) -> None:
    response = client.post(
        "/v1/conversations", json={"language": "<script>"}, headers=acme.auth("widget")
    )
    assert response.status_code == 422


def test_the_tenant_chooses_its_languages_and_texts(client, acme) -> None:
    response = client.patch(
        "/v1/tenant/settings",
        json={"languages": ["en", "fr"], "messages": {"fr": {"smalltalk_greeting": "Salut !"}}},
        headers=acme.auth("admin"),
    )
    assert response.status_code == 200, response.text
    conversation_id = _conversation(client, acme)
    reply = _say(client, acme, conversation_id, "Wie ändere ich die Lieferadresse meines Pakets?")
    assert (reply["language"], reply["reply_language"]) == ("de", "en")  # German not served
    conversation_id = _conversation(client, acme, language="fr")
    assert _say(client, acme, conversation_id, "bonjour")["text"] == "Salut !"

    refused = client.patch(
        "/v1/tenant/settings", json={"languages": ["klingon"]}, headers=acme.auth("admin")
    )
    assert refused.status_code == 422
    kept = client.get("/v1/tenant/settings", headers=acme.auth("admin")).json()
    assert kept["languages"] == ["en", "fr"]


def test_the_widget_gets_its_texts_in_the_customers_language(client, acme) -> None:
    response = client.get("/v1/tenant/messages?language=de-DE", headers=acme.auth("widget"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["language"], body["dir"]) == ("de", "ltr")
    assert body["messages"]["widget_send"] == "Senden"
    english = client.get("/v1/tenant/messages?language=ar", headers=acme.auth("widget")).json()
    assert (english["language"], english["dir"]) == ("en", "ltr")  # no Arabic texts yet
    patched = client.patch(
        "/v1/tenant/settings",
        json={"messages": {"ar": {"widget_send": "إرسال"}}},
        headers=acme.auth("admin"),
    )
    assert patched.status_code == 200, patched.text
    arabic = client.get("/v1/tenant/messages?language=ar", headers=acme.auth("widget")).json()
    assert (arabic["language"], arabic["dir"]) == ("ar", "rtl")
    assert arabic["messages"]["widget_send"] == "إرسال"
    assert arabic["messages"]["widget_new"] == "New"
    bad = client.get("/v1/tenant/messages?language=../x", headers=acme.auth("widget"))
    assert bad.status_code == 422


def test_tenants_configure_sets_the_languages(frontdesk: Frontdesk, acme, cli_env) -> None:
    runner = CliRunner(env=cli_env)
    result = runner.invoke(app, ["tenants", "configure", acme.name, "--languages", "en,de,fr"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["languages"] == ["en", "de", "fr"]
    assert frontdesk.tenants.settings_of(acme.id).languages == ("en", "de", "fr")

    result = runner.invoke(app, ["tenants", "configure", acme.name, "--languages", "en,xx"])
    assert result.exit_code != 0
    assert frontdesk.tenants.settings_of(acme.id).languages == ("en", "de", "fr")


def _ask_for_a_person(client: TestClient, acme, conversation_id: str) -> dict:
    response = client.post(
        f"/v1/conversations/{conversation_id}/handoff", headers=acme.auth("widget")
    )
    assert response.status_code == 201, response.text
    turns = client.get(f"/v1/conversations/{conversation_id}", headers=acme.auth("widget"))
    return dict(turns.json()["turns"][-1])


def test_talk_to_a_person_answers_in_the_conversations_language(client, acme) -> None:
    conversation_id = _conversation(client, acme)
    _say(client, acme, conversation_id, "Wie lange ist ein Versandlabel gültig?")
    notice = _ask_for_a_person(client, acme, conversation_id)
    assert notice["outcome"] == "handoff"
    assert notice["text"].startswith("Ich gebe dieses Gespräch an eine Person")
    assert (notice["language"], notice["reply_language"]) == ("de", "de")
    # before any message: the browser's language
    conversation_id = _conversation(client, acme, language="fr-FR")
    notice = _ask_for_a_person(client, acme, conversation_id)
    assert notice["reply_language"] == "fr"
    assert notice["text"].startswith("Je transmets cette conversation")


def test_talk_to_a_person_in_a_language_the_tenant_does_not_serve(client, acme) -> None:
    response = client.patch(
        "/v1/tenant/settings", json={"languages": ["en", "fr"]}, headers=acme.auth("admin")
    )
    assert response.status_code == 200, response.text
    conversation_id = _conversation(client, acme)
    _say(client, acme, conversation_id, "Wie ändere ich die Lieferadresse meines Pakets?")
    notice = _ask_for_a_person(client, acme, conversation_id)
    assert notice["text"].startswith("I'm passing this conversation to a person")
    assert (notice["language"], notice["reply_language"]) == ("de", "en")
