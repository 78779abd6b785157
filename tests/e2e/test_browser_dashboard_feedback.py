"""The dashboard shows what customers said about the answers: the thumbs and how many
CSAT ratings its mean is of, not only the mean (one 4 / 5 is not a trend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_browser_dashboard import ANSWERED, _serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_csat_card_counts_ratings_and_thumbs(
    tmp_path: Path, browser: Browser, watch: Any
) -> None:
    with _serve(tmp_path) as running:
        page = watch(browser.new_context(viewport={"width": 1280, "height": 900}).new_page())
        page.set_default_timeout(15_000)
        page.goto(f"{running.base}/dashboard")
        page.get_by_test_id("dashboard-key").fill(running.admin)
        page.get_by_test_id("dashboard-key-submit").click()
        expect(page.get_by_test_id("kpi-csat")).to_have_text("\u2013")  # the en dash of "no data"
        expect(page.get_by_test_id("kpi-feedback")).to_have_text("No ratings yet")

        headers = {"Authorization": f"Bearer {running.widget}"}
        with httpx.Client(base_url=running.base, headers=headers, timeout=60) as client:
            cid = client.post("/v1/conversations").json()["id"]
            turns = [
                client.post(f"/v1/conversations/{cid}/messages", json={"text": ANSWERED}).json()
                for _ in range(3)
            ]
            for turn, rating in zip(turns, ("up", "up", "down"), strict=True):
                sent = {"turn_id": turn["id"], "rating": rating}
                assert client.post(f"/v1/conversations/{cid}/feedback", json=sent).is_success
            assert client.post(f"/v1/conversations/{cid}/csat", json={"score": 4}).is_success

        page.reload()
        expect(page.get_by_test_id("kpi-csat")).to_have_text("4.0 / 5")
        expect(page.get_by_test_id("kpi-feedback")).to_have_text(
            "1 rating · 2 helpful, 1 not helpful"
        )
        watch.shot(page, "dashboard-feedback.png")
    assert watch.errors == []
