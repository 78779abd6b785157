"""Web addresses in a reply are links a customer can tap ("Go to
https://parcelly.example/login and select Forgot password?"), opening in a new tab;
the sentence's full stop is not part of the address, and a long address wraps inside
the bubble on a phone. Real server, real Chromium."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Route, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
LONG = "https://parcelly.example/help/articles/customs-declarations-for-parcels-outside-the-eu"
AGENT_REPLY = f"You can print the form at https://parcelly.example/customs. Details: {LONG}."
URL = re.compile(r"https?://\S+")


def _page(route: Route) -> None:
    route.fulfill(status=200, content_type="text/html", body="<h1>Customs</h1>")


def test_addresses_in_replies_are_links(served: Any, browser: Browser, watch: Any) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.route("https://parcelly.example/**", _page)
    page = watch(context.new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    page.get_by_test_id("fd-input").fill("How do I reset my password?")
    page.get_by_test_id("fd-input").press("Enter")
    answer = page.get_by_test_id("fd-msg-assistant").first
    expect(answer).to_be_visible(timeout=60_000)
    # Every address the assistant wrote is a link to exactly that address.
    written = [u.rstrip(".,;:!?") for u in URL.findall(answer.locator(".text").inner_text())]
    links = answer.get_by_test_id("fd-link")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == written

    page.get_by_test_id("fd-handoff").click()
    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        ticket = api.get("/v1/tickets").json()[0]
        api.post(f"/v1/tickets/{ticket['id']}/assign").raise_for_status()
        api.post(f"/v1/tickets/{ticket['id']}/reply", json={"text": AGENT_REPLY}).raise_for_status()

    reply = page.get_by_test_id("fd-msg-agent")
    expect(reply).to_contain_text("print the form")
    expect(reply).to_have_text(re.compile(re.escape(AGENT_REPLY)))  # the text is unchanged
    links = reply.get_by_test_id("fd-link")
    expect(links).to_have_count(2)
    expect(links.first).to_have_attribute("href", "https://parcelly.example/customs")
    expect(links.nth(1)).to_have_attribute("href", LONG)
    expect(links.first).to_have_attribute("target", "_blank")
    expect(links.first).to_have_attribute("rel", "noopener noreferrer")
    bubble, link = reply.bounding_box(), links.nth(1).bounding_box()
    assert bubble is not None
    assert link is not None
    assert link["x"] + link["width"] <= bubble["x"] + bubble["width"] + 1
    watch.shot(page, "widget-links.png")

    with context.expect_page() as opened:
        links.first.click()
    expect(opened.value.locator("h1")).to_have_text("Customs")
    assert watch.errors == []
