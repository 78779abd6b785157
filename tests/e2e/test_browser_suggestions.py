"""Suggested FAQ entries in a real browser: two customers ask what the help center does
not answer, an agent opens the suggestions panel, writes the answer into the draft and
approves it, and the next customer gets it as a cited answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASKED = ("Do you offer a student discount?", "Is there a discount for students?")
ANSWER = "Students get 10% off every label with a valid student card, under Settings > Plan."


def test_an_agent_approves_a_suggested_entry_and_customers_get_it(
    serve: Any, tmp_path: Path, browser: Browser, watch: Any
) -> None:
    with (
        serve(tmp_path, tickets=True) as served,
        httpx.Client(
            base_url=served.base, headers={"Authorization": f"Bearer {served.widget}"}, timeout=60
        ) as customer,
    ):
        for question in ASKED:
            cid = customer.post("/v1/conversations").json()["id"]
            turn = customer.post(f"/v1/conversations/{cid}/messages", json={"text": question})
            assert turn.json()["outcome"] in ("no_answer", "handoff")

        console = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        console.set_default_timeout(30_000)
        watch(console)
        console.goto(f"{served.base}/console")
        console.get_by_test_id("console-key").fill(served.agent)
        console.get_by_test_id("console-key-submit").click()
        expect(console.get_by_test_id("console-live")).to_have_attribute("data-state", "live")
        # The reason filter lists every handoff reason, the new ones included.
        reasons = console.get_by_test_id("filter-reason").locator("option")
        expect(reasons.filter(has_text="legal threat")).to_have_count(1)
        expect(reasons.filter(has_text="account change")).to_have_count(1)

        console.get_by_test_id("suggestions-toggle").click()
        panel = console.get_by_test_id("suggestions-panel")
        expect(panel).to_be_visible()
        suggestions = panel.get_by_test_id("suggestion")
        expect(suggestions.first).to_be_visible(timeout=90_000)
        top = suggestions.first
        expect(top).to_contain_text("Asked 2 times")
        for question in ASKED:
            expect(top).to_contain_text(question)
        # A ticket-based suggestion shows a draft with the customer's details taken out.
        broken = suggestions.filter(has_text="ceramic bowl")
        expect(broken.get_by_test_id("suggestion-answer")).not_to_have_value("")
        assert "Lisa" not in broken.get_by_test_id("suggestion-answer").input_value()
        expect(broken).to_contain_text("Removed:")
        watch.shot(console, "console-suggestions.png")
        # Many suggestions scroll inside the panel: at most 64% of the window's height.
        box = panel.bounding_box()
        assert box is not None
        assert box["height"] <= 0.64 * 900 + 1, box

        # Dismissing hides one suggestion; approving writes the entry.
        count = suggestions.count()
        suggestions.nth(count - 1).get_by_test_id("suggestion-dismiss").click()
        expect(suggestions).to_have_count(count - 1)
        top.get_by_test_id("suggestion-question").fill("Is there a student discount?")
        top.get_by_test_id("suggestion-answer").fill(ANSWER)
        top.get_by_test_id("suggestion-approve").click()
        status = top.get_by_test_id("suggestion-status")
        expect(status).to_contain_text("Added to knowledge as ", timeout=60_000)
        document_id = status.inner_text().split(" as ")[1].split(":")[0]
        watch.shot(console, "console-suggestion-approved.png")
        assert watch.errors == []

        # The next customer who asks gets the approved entry, cited.
        cid = customer.post("/v1/conversations").json()["id"]
        turn = customer.post(
            f"/v1/conversations/{cid}/messages", json={"text": "do students get a discount?"}
        ).json()
        assert turn["outcome"] == "answered"
        assert "10% off every label" in turn["text"]
        assert turn["citations"][0]["document_id"] == document_id
