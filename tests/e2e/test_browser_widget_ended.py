"""On a phone, a customer whose conversation an agent closed reads, in full, that it
ended and that writing starts it again: the placeholder saying so is cut to "Conversation
ended. Write to st…" at 390 px, so the widget says it above the rating question too, and
keeps saying it after the customer rated. Real server, real Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import agent_takes_ticket_and, ask_then_hand_off

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def test_a_closed_conversation_says_so_in_full_on_a_phone(
    served: Any, browser: Browser, watch: Any
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = watch(context.new_page())
    page.set_default_timeout(15_000)
    ask_then_hand_off(page, served, "How much does a pickup cost?")

    agent_takes_ticket_and(served, "resolve")

    ended = page.get_by_test_id("fd-ended")
    expect(ended).to_have_text("Conversation ended. Write to start again.")
    cut = ended.evaluate("e => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight")
    assert not cut
    ended_box = ended.bounding_box()
    assert ended_box is not None
    assert ended_box["x"] + ended_box["width"] <= PHONE["width"]
    watch.shot(page, "widget-phone-ended.png")

    page.get_by_test_id("fd-csat-5").click()
    expect(page.get_by_test_id("fd-csat-thanks")).to_be_visible()
    expect(ended).to_be_visible()
    # Writing again reopens the conversation with the assistant: the note goes.
    page.get_by_test_id("fd-input").fill("And how do I book one?")
    page.get_by_test_id("fd-input").press("Enter")
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(3, timeout=60_000)
    expect(ended).to_have_count(0)
    assert watch.errors == []
