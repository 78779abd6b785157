"""The widget's "New": with the assistant it starts over at once; while a person from the
team is answering it first asks, so a stray click never drops the human chat (the
customer keeps it with one key, Escape, or the focused default). Real server, real
Chromium."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AGENT_REPLY = "Hi, I'm Sam from Parcelly. I'm looking into your parcel now."


def _conversation_id(page: Page) -> str | None:
    found = page.evaluate(
        """() => {
            for (let i = 0; i < sessionStorage.length; i++) {
                const key = sessionStorage.key(i);
                if (key.startsWith('frontdesk:')) return JSON.parse(sessionStorage.getItem(key)).id;
            }
            return null;
        }"""
    )
    return None if found is None else str(found)


def test_new_asks_before_leaving_a_human_chat_and_keeps_it_by_default(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(viewport={"width": 1280, "height": 860}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    page.get_by_test_id("fd-handoff").click()
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_visible()
    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        ticket = api.get("/v1/tickets").json()[0]
        api.post(f"/v1/tickets/{ticket['id']}/assign").raise_for_status()
        api.post(f"/v1/tickets/{ticket['id']}/reply", json={"text": AGENT_REPLY}).raise_for_status()
    expect(page.get_by_test_id("fd-msg-agent")).to_contain_text(AGENT_REPLY)
    human_chat = _conversation_id(page)
    assert human_chat

    # "New" asks first; the safe answer has the focus, and Escape gives it.
    ask = page.get_by_test_id("fd-new-ask")
    expect(ask).to_be_hidden()
    page.get_by_test_id("fd-new").click()
    expect(ask).to_be_visible()
    expect(ask).to_contain_text("their reply won't reach you here")
    expect(page.get_by_test_id("fd-new-cancel")).to_be_focused()
    watch.shot(page, "widget-new-asks.png")
    page.keyboard.press("Escape")
    expect(ask).to_be_hidden()
    expect(page.get_by_test_id("fd-panel")).to_be_visible()  # Escape answered, not closed
    expect(page.get_by_test_id("fd-msg-agent")).to_contain_text(AGENT_REPLY)
    assert _conversation_id(page) == human_chat

    # "Keep this conversation" keeps it too.
    page.get_by_test_id("fd-new").click()
    page.get_by_test_id("fd-new-cancel").click()
    expect(ask).to_be_hidden()
    expect(page.get_by_test_id("fd-input")).to_be_focused()
    assert _conversation_id(page) == human_chat

    # Confirming starts over with the assistant.
    page.get_by_test_id("fd-new").click()
    page.get_by_test_id("fd-new-confirm").click()
    expect(ask).to_be_hidden()
    expect(page.get_by_test_id("fd-msg-agent")).to_have_count(0)
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_hidden()
    expect(page.get_by_test_id("fd-handoff")).to_be_visible()
    expect(page.get_by_test_id("fd-input")).to_be_focused()
    assert _conversation_id(page) is None

    # With the assistant there is nothing to lose: "New" starts over at once.
    page.get_by_test_id("fd-input").fill("Hello")
    page.get_by_test_id("fd-input").press("Enter")
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(1, timeout=60_000)
    assert _conversation_id(page) not in {None, human_chat}
    page.get_by_test_id("fd-new").click()
    expect(ask).to_be_hidden()
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(0)
    assert _conversation_id(page) is None
    assert watch.errors == []


def test_the_question_before_leaving_follows_the_language(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(locale="de-DE").new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    expect(page.get_by_test_id("fd-send")).to_have_text("Senden")
    page.get_by_test_id("fd-handoff").click()
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_visible()
    page.get_by_test_id("fd-new").click()
    expect(page.get_by_test_id("fd-new-cancel")).to_have_text("Dieses Gespräch behalten")
    expect(page.get_by_test_id("fd-new-confirm")).to_have_text("Neu beginnen")
    assert watch.errors == []
