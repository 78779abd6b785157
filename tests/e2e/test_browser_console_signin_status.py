"""The console's sign-in page does not greet a first-time agent with a grey "offline"
badge (nothing is connected before they sign in, and "offline" reads as "the server is
down"); signed in, the badge says "live"; signed out, it goes again."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_live_badge_shows_only_when_signed_in(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = watch(browser.new_context(viewport={"width": 1280, "height": 860}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/console")
    expect(page.get_by_test_id("console-login")).to_be_visible()
    badge = page.get_by_test_id("console-live")
    expect(badge).to_be_hidden()

    page.get_by_test_id("console-key").fill(served.agent)
    page.get_by_test_id("console-key-submit").click()
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("data-state", "live")
    expect(badge).to_have_text("live")

    page.get_by_test_id("console-sign-out").click()
    expect(page.get_by_test_id("console-login")).to_be_visible()
    expect(badge).to_be_hidden()
    assert watch.errors == []
