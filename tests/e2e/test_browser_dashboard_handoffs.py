"""The dashboard's "Handed to a person" list holds every handoff the escalation rate
counts: those a customer asked for with "Talk to a person" too, named by their reason;
and its audit log shows an admin's key and settings changes, not only releases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_browser_dashboard import ANSWERED, _serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_talk_to_a_person_handoffs_are_listed_with_their_reason(
    tmp_path: Path, browser: Browser, watch: Any
) -> None:
    with _serve(tmp_path) as running:
        headers = {"Authorization": f"Bearer {running.widget}"}
        with httpx.Client(base_url=running.base, headers=headers, timeout=60) as client:
            cid = client.post("/v1/conversations").json()["id"]
            sent = client.post(f"/v1/conversations/{cid}/messages", json={"text": ANSWERED})
            assert sent.json()["outcome"] == "answered"
            assert client.post(f"/v1/conversations/{cid}/handoff").status_code == 201

        page = watch(browser.new_context(viewport={"width": 1280, "height": 900}).new_page())
        page.set_default_timeout(15_000)
        page.goto(f"{running.base}/dashboard")
        page.get_by_test_id("dashboard-key").fill(running.agent)
        page.get_by_test_id("dashboard-key-submit").click()
        expect(page.get_by_test_id("kpi-escalated")).to_have_text("50.0%")
        handoffs = page.get_by_test_id("escalated").get_by_test_id("question")
        expect(handoffs).to_have_count(1)
        expect(handoffs).to_have_attribute("data-asked", "false")
        expect(handoffs).to_contain_text("\u00d71")  # the count
        expect(handoffs).to_contain_text("Talk to a person")
        expect(handoffs).to_contain_text("customer asked for a person")
        watch.shot(page, "dashboard-talk-to-a-person.png")
    assert watch.errors == []


def test_the_audit_log_shows_key_and_settings_changes(
    tmp_path: Path, browser: Browser, watch: Any
) -> None:
    with _serve(tmp_path) as running:
        headers = {"Authorization": f"Bearer {running.admin}"}
        with httpx.Client(base_url=running.base, headers=headers, timeout=60) as client:
            made = client.post("/v1/keys", json={"role": "agent", "name": "night shift"})
            assert client.delete(f"/v1/keys/{made.json()['id']}").status_code == 200
            changed = client.patch("/v1/tenant/settings", json={"reveal_pii_to_agents": True})
            assert changed.status_code == 200

        page = watch(browser.new_context(viewport={"width": 1280, "height": 900}).new_page())
        page.set_default_timeout(15_000)
        page.goto(f"{running.base}/dashboard")
        page.get_by_test_id("dashboard-key").fill(running.admin)
        page.get_by_test_id("dashboard-key-submit").click()
        entries = page.get_by_test_id("releases-audit").get_by_test_id("audit-entry")
        expect(entries.nth(0)).to_contain_text("tenant.configure")
        expect(entries.nth(0)).to_contain_text(
            '{"reveal_pii_to_agents":false} → {"reveal_pii_to_agents":true}'
        )
        expect(entries.nth(1)).to_contain_text("key.revoke")
        expect(entries.nth(1)).to_contain_text('was {"role":"agent","name":"night shift"}')
        expect(entries.nth(2)).to_contain_text("key.create")
        watch.shot(page, "dashboard-audit-log.png")
    assert watch.errors == []
