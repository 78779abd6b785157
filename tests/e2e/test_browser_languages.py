"""The widget speaks the customer's language: its labels follow the browser's language,
replies come back in the conversation's language, and right-to-left text renders right to
left. Real browser (Debian Chromium via Playwright), real server, demo help center."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_widget_follows_the_customers_language(
    served: Any, browser: Browser, watch: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="de-DE")
    page = watch(context.new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/demo?key={served.widget}")

    launcher = page.get_by_test_id("fd-launcher")
    expect(launcher).to_have_text("Chatten Sie mit uns")
    launcher.click()
    expect(page.get_by_test_id("fd-input")).to_have_attribute(
        "placeholder", "Stellen Sie eine Frage…"
    )
    expect(page.get_by_test_id("fd-send")).to_have_text("Senden")

    page.get_by_test_id("fd-input").fill("hallo")
    page.get_by_test_id("fd-input").press("Enter")
    greeting = page.get_by_test_id("fd-msg-assistant").first
    expect(greeting).to_contain_text("Wie kann ich Ihnen heute helfen?", timeout=60_000)
    expect(greeting).to_have_attribute("lang", "de")

    # The customer switches to English: replies and the widget's labels follow.
    page.get_by_test_id("fd-input").fill("can we speak English?")
    page.get_by_test_id("fd-input").press("Enter")
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(2, timeout=60_000)
    expect(page.get_by_test_id("fd-msg-assistant").nth(1)).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("fd-send")).to_have_text("Send")

    # Arabic renders right to left inside an otherwise left-to-right widget.
    page.get_by_test_id("fd-input").fill("مرحبا، أين طردي؟")
    page.get_by_test_id("fd-input").press("Enter")
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(3, timeout=60_000)
    arabic = page.get_by_test_id("fd-msg-customer").nth(2).locator(".text")
    assert arabic.evaluate("e => e.matches(':dir(rtl)')")
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    english = page.get_by_test_id("fd-msg-customer").nth(1).locator(".text")
    assert english.evaluate("e => e.matches(':dir(ltr)')")
    watch.shot(page, "widget-languages.png")
    assert watch.errors == []
