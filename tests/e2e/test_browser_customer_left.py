"""A customer who starts over in the widget while a person handles their conversation: the
agents see the ticket marked "customer left" (live, in the queue and on the ticket) and
resolve it, instead of it waiting in their queue forever. Real server, real Chromium."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_starting_over_tells_the_agents_the_customer_left(
    served: Any, browser: Browser, watch: Any
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    console = watch(context.new_page())
    console.set_default_timeout(15_000)
    console.goto(f"{served.base}/console")
    console.get_by_test_id("console-key").fill(served.agent)
    console.get_by_test_id("console-key-submit").click()
    expect(console.get_by_test_id("console-live")).to_have_attribute("data-state", "live")

    widget = watch(context.new_page())
    widget.set_default_timeout(15_000)
    widget.goto(f"{served.base}/demo?key={served.widget}")
    widget.get_by_test_id("fd-launcher").click()
    widget.get_by_test_id("fd-handoff").click()
    expect(widget.get_by_test_id("fd-handoff-banner")).to_be_visible()

    item = console.get_by_test_id("ticket-item")
    expect(item).to_have_count(1)
    expect(console.get_by_test_id("ticket-left")).to_have_count(0)
    item.click()
    expect(console.get_by_test_id("ticket-left-notice")).to_be_hidden()

    widget.get_by_test_id("fd-new").click()
    widget.get_by_test_id("fd-new-confirm").click()
    expect(widget.get_by_test_id("fd-handoff")).to_be_visible()

    # Live: the open ticket and the queue say so, without a reload.
    expect(console.get_by_test_id("ticket-left")).to_have_text("customer left")
    expect(console.get_by_test_id("ticket-left-notice")).to_be_visible()
    expect(console.get_by_test_id("ticket-status")).to_contain_text("customer left")
    watch.shot(console, "console-customer-left.png")
    console.get_by_test_id("ticket-resolve").click()
    expect(console.get_by_test_id("ticket-status")).to_have_text("resolved")
    expect(console.get_by_test_id("ticket-left-notice")).to_be_hidden()
    expect(item).to_have_count(0)  # the queue shows open or assigned tickets

    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        assert api.get("/v1/tickets", params={"status": "active"}).json() == []
    assert watch.errors == []
