"""A question the help center comes close to but does not answer: the widget shows the
decline with "These articles may help" and the closest articles as links a customer can
open, laid out right to left too. Real browser (Debian Chromium via Playwright), real
server, demo help center with its resolved tickets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Route, expect

from frontdesk.domain.replies import NO_EVIDENCE_ANSWER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "is there a limit on how many gift cards i can buy at once"
HELP = "https://help.parcelly.example/"


def _article(route: Route) -> None:
    # The demo's article urls are fictional: the browser is served a page in their place.
    route.fulfill(
        status=200, content_type="text/html", body="<title>Article</title><h1>Article</h1>"
    )


def test_a_decline_shows_related_articles_as_links(
    serve: Any, tmp_path: Path, browser: Browser, watch: Any
) -> None:
    with serve(tmp_path, tickets=True) as served:
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        context.route(f"{HELP}**", _article)
        page = watch(context.new_page())
        page.set_default_timeout(15_000)
        page.goto(f"{served.base}/demo?key={served.widget}")
        page.get_by_test_id("fd-launcher").click()
        page.get_by_test_id("fd-input").fill(QUESTION)
        page.get_by_test_id("fd-input").press("Enter")

        reply = page.get_by_test_id("fd-msg-assistant").first
        expect(reply).to_have_attribute("data-outcome", "no_answer", timeout=90_000)
        expect(reply).to_contain_text(NO_EVIDENCE_ANSWER)  # the decline's text is unchanged
        related = reply.get_by_test_id("fd-related")
        expect(related.get_by_test_id("fd-related-heading")).to_have_text("These articles may help")
        links = related.get_by_test_id("fd-related-link")
        count = links.count()
        assert 1 <= count <= 3
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(count)]
        assert all(h.startswith(HELP) for h in hrefs), hrefs
        assert len(set(hrefs)) == count  # one link per article
        titles = [links.nth(i).inner_text() for i in range(count)]
        assert all(t.strip() for t in titles)
        watch.shot(page, "widget-related-articles.png")

        # A click opens the article in a new tab.
        with context.expect_page() as opened:
            links.first.click()
        article = opened.value
        article.wait_for_load_state()
        assert article.url == hrefs[0]
        expect(article.locator("h1")).to_have_text("Article")
        article.close()

        # Right to left, the list's indent and bullets move to the right.
        page.evaluate(
            "() => document.querySelector('#frontdesk-widget').shadowRoot"
            ".querySelector('.panel').setAttribute('dir', 'rtl')"
        )
        bullets = related.locator("ul")
        assert bullets.evaluate("e => getComputedStyle(e).paddingRight") == "18px"
        assert bullets.evaluate("e => getComputedStyle(e).paddingLeft") == "0px"
        assert related.locator("h3").evaluate("e => getComputedStyle(e).direction") == "rtl"
        watch.shot(page, "widget-related-articles-rtl.png")
    assert watch.errors == []
