"""When an agent hands the conversation back to the assistant, the customer is told so in
the chat: the "a person will reply here" banner going away alone left them waiting for a
person who had already left. Real server, real Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import agent_takes_ticket_and, ask_then_hand_off

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_customer_is_told_the_assistant_is_back(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(viewport={"width": 390, "height": 844}).new_page())
    page.set_default_timeout(15_000)
    ask_then_hand_off(page, served, "How much does a pickup cost?")
    expect(page.get_by_test_id("fd-back-to-bot")).to_have_count(0)

    agent_takes_ticket_and(served, "handback")

    expect(page.get_by_test_id("fd-back-to-bot")).to_have_text(
        "You're chatting with our assistant again."
    )
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_hidden()
    expect(page.get_by_test_id("fd-handoff")).to_be_visible()
    watch.shot(page, "widget-handback.png")
    # A reload says it once more (the last message is still "passing you to a person")...
    page.reload()
    page.get_by_test_id("fd-launcher").click()
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(2)
    expect(page.get_by_test_id("fd-back-to-bot")).to_have_count(1)
    # ... and not once the assistant has answered again.
    page.get_by_test_id("fd-input").fill("How much does a pickup cost?")
    page.get_by_test_id("fd-input").press("Enter")
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(3, timeout=60_000)
    page.reload()
    page.get_by_test_id("fd-launcher").click()
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(3)
    expect(page.get_by_test_id("fd-back-to-bot")).to_have_count(0)
    assert watch.errors == []
