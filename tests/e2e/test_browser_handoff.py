"""The whole handoff loop in a real browser against a real server.

A customer asks the widget on the demo page, gets a cited answer, rates it and asks for a
person; an agent sees the ticket arrive in the console without reloading, takes it and
replies; the customer sees the reply live; the agent resolves and the customer's CSAT is
recorded. Headless Debian Chromium driven by Playwright (no downloaded browser).
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "How much does the Plus plan cost?"
FOLLOW_UP = "Is it cheaper if I pay for a whole year?"
AGENT_REPLY = "Hi, I'm Sam from Parcelly. Yes: Plus is €99 per year if you pay annually."
HANDOFF_NOTE = "A person from our team will reply here"


def test_customer_to_agent_handoff_loop_in_a_real_browser(
    served: Any, browser: Browser, watch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    customer = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    customer.set_default_timeout(15_000)
    watch(customer)

    # The customer opens the demo page; host-page CSS stays outside the widget.
    customer.goto(f"{served.base}/demo?key={served.widget}")
    launcher = customer.get_by_test_id("fd-launcher")
    expect(launcher).to_be_visible()
    assert "Georgia" not in launcher.evaluate("e => getComputedStyle(e).fontFamily")
    # The shared helpers came inside /widget.js and stay out of the host page's globals.
    assert customer.evaluate("typeof window.FrontdeskCommon") == "undefined"
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    customer.get_by_test_id("fd-input").fill(QUESTION)
    customer.get_by_test_id("fd-input").press("Enter")

    # A cited answer, with numbered links to the help-center article.
    answer = customer.get_by_test_id("fd-msg-assistant").first
    expect(answer).to_contain_text("9.99", timeout=60_000)
    expect(customer.get_by_test_id("fd-msg-customer")).to_have_count(1)
    reference = answer.get_by_test_id("fd-citation-ref").first
    expect(reference).to_have_text(re.compile(r"^\[\d\]$"))
    source = answer.get_by_test_id("fd-citation").first
    expect(source).to_have_attribute(
        "href", re.compile(r"^https://help\.parcelly\.example/articles/")
    )
    expect(source).to_have_attribute("target", "_blank")
    answer_turn_id = answer.get_attribute("data-turn-id")
    assert answer_turn_id

    # Thumbs up, then ask for a person.
    thumb_up = answer.get_by_test_id("fd-thumb-up")
    thumb_up.click()
    expect(thumb_up).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_test_id("fd-thumb-down")).to_be_disabled()
    watch.shot(customer, "widget-answer.png")

    # The agent signs in first, so the ticket must arrive over the live stream.
    console = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    console.set_default_timeout(15_000)
    watch(console)
    console.goto(f"{served.base}/console")
    console.get_by_test_id("console-key").fill(served.agent)
    console.get_by_test_id("console-key-submit").click()
    expect(console.get_by_test_id("console-live")).to_have_attribute("data-state", "live")
    expect(console.get_by_test_id("queue-empty")).to_be_visible()
    expect(console.get_by_test_id("ticket-item")).to_have_count(0)
    console.evaluate("window.__notReloaded = true")

    customer.get_by_test_id("fd-handoff").click()
    expect(customer.get_by_test_id("fd-handoff-banner")).to_contain_text(HANDOFF_NOTE)
    expect(customer.get_by_test_id("fd-handoff")).to_be_hidden()
    handoff_note = customer.locator('[data-testid="fd-msg-assistant"][data-outcome="handoff"]')
    expect(handoff_note).to_have_count(1)

    ticket = console.get_by_test_id("ticket-item")
    expect(ticket).to_have_count(1)
    expect(ticket).to_contain_text("requested human")
    expect(ticket).to_have_attribute("data-status", "open")
    ticket.click()
    expect(console.get_by_test_id("ticket-status")).to_have_text("open")
    turns = console.get_by_test_id("console-turn")
    expect(turns.first).to_contain_text(QUESTION)
    bot_turn = console.locator('[data-testid="console-turn"][data-role="assistant"]').first
    expect(bot_turn.get_by_test_id("console-citation").first).to_have_attribute(
        "href", re.compile(r"^https://help\.parcelly\.example/")
    )
    trace = bot_turn.get_by_test_id("trace")
    trace.locator("summary").click()
    expect(trace).to_have_attribute("open", "")
    stages = trace.get_by_test_id("trace-stage")
    expect(stages.first).to_be_visible()
    stage_names = stages.evaluate_all("rows => rows.map(r => r.dataset.stage)")
    assert {"retrieve", "generate", "decide"} <= set(stage_names)

    # A reload keeps the customer's conversation, rating and handoff state.
    customer.reload()
    customer.get_by_test_id("fd-launcher").click()
    expect(customer.get_by_test_id("fd-handoff-banner")).to_be_visible()
    expect(customer.get_by_test_id("fd-msg-assistant")).to_have_count(2)
    expect(handoff_note).to_have_count(1)
    expect(customer.get_by_test_id("fd-thumb-up")).to_have_attribute("aria-pressed", "true")

    # The agent takes the ticket; the customer's next message reaches them live.
    console.get_by_test_id("ticket-assign").click()
    expect(console.get_by_test_id("ticket-status")).to_have_text("assigned")
    expect(console.get_by_test_id("ticket-assignee")).not_to_have_text("nobody")
    customer.get_by_test_id("fd-input").fill(FOLLOW_UP)
    customer.get_by_test_id("fd-send").click()
    expect(console.locator('[data-testid="console-turn"][data-role="customer"]').last).to_have_text(
        re.compile(re.escape(FOLLOW_UP))
    )
    # In human mode the bot stays silent.
    expect(customer.get_by_test_id("fd-msg-customer")).to_have_count(2)
    expect(customer.get_by_test_id("fd-msg-assistant")).to_have_count(2)

    console.get_by_test_id("reply-input").fill(AGENT_REPLY)
    console.get_by_test_id("reply-send").click()
    expect(console.locator('[data-testid="console-turn"][data-role="agent"]')).to_have_count(1)
    agent_message = customer.get_by_test_id("fd-msg-agent")
    expect(agent_message).to_contain_text(AGENT_REPLY)
    expect(agent_message).to_have_count(1)
    watch.shot(customer, "widget-agent-reply.png")
    watch.shot(console, "console-ticket.png")

    # The promote form is prefilled with a general draft of the customer's questions and
    # the agent's reply: the agent's introduction is gone, and the form says so.
    console.get_by_test_id("ticket-promote").click()
    expect(console.get_by_test_id("promote-question")).to_have_value(f"{QUESTION} {FOLLOW_UP}")
    expect(console.get_by_test_id("promote-answer")).to_have_value(
        "Yes: Plus is €99 per year if you pay annually."
    )
    expect(console.get_by_test_id("promote-removed")).to_contain_text("name (1)")
    watch.shot(console, "console-promote-draft.png")
    console.get_by_test_id("ticket-promote").click()
    expect(console.get_by_test_id("promote-form")).to_be_hidden()

    # Resolving closes the conversation; the customer rates it 5.
    console.get_by_test_id("ticket-resolve").click()
    expect(console.get_by_test_id("ticket-status")).to_have_text("resolved")
    expect(console.get_by_test_id("reply-send")).to_be_disabled()
    csat = customer.get_by_test_id("fd-csat")
    expect(csat).to_be_visible()
    watch.shot(customer, "widget-csat.png")
    customer.get_by_test_id("fd-csat-5").click()
    expect(customer.get_by_test_id("fd-csat-thanks")).to_be_visible()
    watch.shot(customer, "widget-rated.png")

    assert console.evaluate("window.__notReloaded") is True
    assert watch.errors == []

    # What the browser did is what the API recorded.
    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        feedback = api.get("/v1/feedback").json()
        tickets = api.get("/v1/tickets").json()
    conversation_id = tickets[0]["conversation_id"]
    assert len(tickets) == 1
    assert tickets[0]["status"] == "resolved"
    assert tickets[0]["reason"] == "requested_human"
    thumbs = [f for f in feedback if f["kind"] == "thumbs"]
    scores = [f for f in feedback if f["kind"] == "csat"]
    assert [(f["turn_id"], f["value"]) for f in thumbs] == [(answer_turn_id, 1)]
    assert [(f["conversation_id"], f["value"]) for f in scores] == [(conversation_id, 5)]
    assert {f["conversation_id"] for f in feedback} == {conversation_id}

    with capsys.disabled():
        print("\nscreenshots:", *(str(p) for p in watch.shots), sep="\n  ")
