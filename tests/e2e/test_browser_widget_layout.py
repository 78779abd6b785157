"""The widget as a customer on a phone sees it: centred with equal margins, text large
enough that the browser does not zoom, the agent's last reply still in view when the CSAT
question appears, the "conversation ended" placeholder on one line, and every label of
earlier bubbles in the language the assistant switched to. Real server, real Chromium."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 375, "height": 667}
AGENT_REPLY = "Hi, I'm Sam from Parcelly. Parcels can weigh up to 31.5 kg on every service."


def _in_view(page: Page, testid: str) -> bool:
    """Whether the last element with ``testid`` lies fully inside the widget's log."""
    return bool(
        page.evaluate(
            """testid => {
                const root = document.querySelector('#frontdesk-widget').shadowRoot;
                const log = root.querySelector('[data-testid="fd-messages"]').getBoundingClientRect();
                const all = root.querySelectorAll(`[data-testid="${testid}"]`);
                const box = all[all.length - 1].getBoundingClientRect();
                return box.top >= log.top - 1 && box.bottom <= log.bottom + 1;
            }""",
            testid,
        )
    )


def test_on_a_phone_the_agents_reply_stays_in_view_when_asked_to_rate(
    served: Any, browser: Browser, watch: Any
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = watch(context.new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()

    panel = page.get_by_test_id("fd-panel")
    box = panel.bounding_box()
    assert box is not None
    left, right = box["x"], PHONE["width"] - (box["x"] + box["width"])
    assert left >= 8
    assert abs(left - right) <= 1, (left, right)
    font = page.get_by_test_id("fd-input").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 16

    # Two answers fill the log; then the customer asks for a person.
    for question in ("What is the maximum weight of a parcel?", "How much does a pickup cost?"):
        count = page.get_by_test_id("fd-msg-assistant").count()
        page.get_by_test_id("fd-input").fill(question)
        page.get_by_test_id("fd-input").press("Enter")
        expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(count + 1, timeout=60_000)
    page.get_by_test_id("fd-handoff").click()
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_visible()

    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        ticket = api.get("/v1/tickets").json()[0]
        api.post(f"/v1/tickets/{ticket['id']}/assign").raise_for_status()
        api.post(f"/v1/tickets/{ticket['id']}/reply", json={"text": AGENT_REPLY}).raise_for_status()
        expect(page.get_by_test_id("fd-msg-agent")).to_contain_text(AGENT_REPLY)
        api.post(f"/v1/tickets/{ticket['id']}/resolve").raise_for_status()

    # The CSAT question takes room from the log; the reply it asks about stays visible.
    expect(page.get_by_test_id("fd-csat")).to_be_visible()
    page.wait_for_timeout(300)
    assert _in_view(page, "fd-msg-agent")
    # "Conversation ended. Write to start again…" is one line, not cut in half.
    textarea = page.get_by_test_id("fd-input")
    expect(textarea).to_have_attribute("placeholder", "Conversation ended. Write to start again…")
    assert textarea.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    watch.shot(page, "widget-phone-csat.png")
    # Typing wraps again.
    textarea.fill("a long message " * 6)
    assert textarea.evaluate("e => getComputedStyle(e).whiteSpace") != "nowrap"
    assert watch.errors == []


def test_bubbles_shown_before_a_language_switch_are_relabelled(
    served: Any, browser: Browser, watch: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    page = watch(context.new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    page.get_by_test_id("fd-input").fill("Hallo, wie viel kostet eine Abholung?")
    page.get_by_test_id("fd-input").press("Enter")
    reply = page.get_by_test_id("fd-msg-assistant").first
    expect(reply).to_have_attribute("lang", "de", timeout=60_000)
    expect(page.get_by_test_id("fd-send")).to_have_text("Senden")

    # The customer's bubble and the reply were drawn with the English texts: both follow.
    expect(page.get_by_test_id("fd-msg-customer").first.locator(".who")).to_have_text("Sie")
    expect(reply.locator(".who")).to_have_text("Assistent")
    thumb = reply.get_by_test_id("fd-thumb-up")
    if thumb.count():
        expect(thumb).to_have_attribute("aria-label", "Hilfreich")
    assert watch.errors == []


def test_a_message_that_did_not_go_out_can_be_sent_again(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(viewport={"width": 1280, "height": 860}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()

    # The network drops: the customer is told so in words, and keeps what they typed.
    page.route("**/v1/conversations**", lambda route: route.abort())
    page.get_by_test_id("fd-input").fill("How much does a pickup cost?")
    page.get_by_test_id("fd-input").press("Enter")
    error = page.get_by_test_id("fd-send-error")
    expect(error).to_have_text(
        "Not sent: We couldn't reach the chat service. Check your connection and try again."
    )
    colour = error.evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(130, 7, 30)"  # readable on the pink of a failed message
    watch.shot(page, "widget-not-sent.png")

    page.unroute("**/v1/conversations**")
    page.get_by_test_id("fd-retry").click()
    expect(page.get_by_test_id("fd-msg-assistant")).to_contain_text("3.50", timeout=60_000)
    expect(page.get_by_test_id("fd-send-error")).to_have_count(0)
    expect(page.get_by_test_id("fd-msg-customer")).to_have_count(1)
    # The browser logs the refused requests; they are the point of this test.
    assert all("ERR_FAILED" in e or "Failed to load" in e for e in watch.errors), watch.errors


def test_a_wrong_key_tells_the_customer_the_chat_is_unavailable(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(locale="de-DE").new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key=fdk_{'A' * 43}")
    page.get_by_test_id("fd-launcher").click()
    page.get_by_test_id("fd-input").fill("Hallo")
    page.get_by_test_id("fd-input").press("Enter")
    # Not "unknown API key": that is for the site's owner, in the browser console.
    expect(page.get_by_test_id("fd-send-error")).to_contain_text("isn't available right now")
    # The key cannot fetch the German texts either: the English ones stay.
    expect(page.get_by_test_id("fd-messages")).to_have_attribute("aria-label", "Conversation")


def test_the_widgets_own_labels_follow_the_language(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(locale="de-DE").new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    expect(page.get_by_test_id("fd-send")).to_have_text("Senden")
    expect(page.get_by_test_id("fd-messages")).to_have_attribute("aria-label", "Unterhaltung")
    expect(page.locator("#frontdesk-widget form")).to_have_attribute(
        "aria-label", "Nachricht senden"
    )
    assert watch.errors == []


def test_asking_for_a_person_by_keyboard_keeps_the_focus_in_the_widget(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(viewport={"width": 1280, "height": 860}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    page.get_by_test_id("fd-handoff").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_visible()
    # The button hid itself; the focus went to the message box, not to the page.
    expect(page.get_by_test_id("fd-input")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("fd-panel")).to_be_hidden()
    assert watch.errors == []
