"""The dashboard's releases panel in a real browser against a real server: an admin sees
which release serves production, the registry and the audit log, is refused by the
evaluation gate with its reasons, rolls production back with one click, and sees and stops a
canary; an agent key never sees the panel. Headless Debian Chromium via Playwright."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing import http
from frontdesk.testing.releases import as_text, release_document

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@contextlib.contextmanager
def _serve(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        secret_key="test-secret-0123456789abcdef",
        rate_limit_per_minute=0,
        multilingual_prebuild=False,
    )
    frontdesk = Frontdesk(settings)
    frontdesk.init()
    frontdesk.tenants.create_tenant("parcelly")
    keys = {r: frontdesk.tenants.issue_key("parcelly", r)[0] for r in ("agent", "admin")}
    try:
        with http.serve(create_app(instance=frontdesk)) as base:
            yield base, keys
    finally:
        frontdesk.close()


def _sign_in(browser: Browser, watch: Any, base: str, key: str) -> Page:
    page = watch(browser.new_context(viewport={"width": 1400, "height": 1100}).new_page())
    page.set_default_timeout(20_000)
    page.goto(f"{base}/dashboard")
    page.get_by_test_id("dashboard-key").fill(key)
    page.get_by_test_id("dashboard-key-submit").click()
    expect(page.get_by_test_id("kpi-turns")).to_have_text("0")
    return page


def test_an_admin_sees_the_registry_and_rolls_production_back(
    tmp_path: Path, browser: Browser, watch: Any
) -> None:
    with (
        _serve(tmp_path) as (base, keys),
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {keys['admin']}"}) as admin,
    ):
        for name in ("strict", "wide"):
            document = release_document(
                name, decide={"threshold": 0.9 if name == "strict" else 0.3}
            )
            created = admin.post("/v1/releases", content=as_text(document))
            assert created.status_code == 201, created.text
            promoted = admin.post(f"/v1/releases/{name}@{created.json()['number']}/promote",
                                  json={"force": True})  # fmt: skip
            assert promoted.status_code == 200, promoted.text
        candidate = admin.post("/v1/releases", content=as_text(release_document("next")))
        assert candidate.status_code == 201

        # An agent key: the dashboard, never the releases panel.
        agent_page = _sign_in(browser, watch, base, keys["agent"])
        expect(agent_page.get_by_test_id("releases")).to_be_hidden()

        page = _sign_in(browser, watch, base, keys["admin"])
        # No turns yet: no rates either (an en dash, as for latency), not "0.0% answered".
        for kpi in ("kpi-answered", "kpi-escalated", "kpi-safety", "kpi-p95"):
            expect(page.get_by_test_id(kpi)).to_have_text("\u2013")
        panel = page.get_by_test_id("releases")
        expect(panel.get_by_test_id("releases-production")).to_contain_text("wide@2")
        expect(panel.get_by_test_id("release")).to_have_count(3)
        production = panel.locator("[data-release='wide@2']")
        expect(production.locator(".badge")).to_have_text("production")
        expect(production.get_by_test_id("release-promote")).to_have_count(0)
        expect(panel.get_by_test_id("releases-audit")).to_contain_text("promote forced")
        expect(panel.get_by_test_id("releases-rollout")).to_contain_text("No rollout yet")

        # Promoting without a labelled evaluation set: the gate refuses and says why.
        panel.locator("[data-release='next@3']").get_by_test_id("release-promote").click()
        message = panel.get_by_test_id("releases-message")
        expect(message).to_contain_text("eval")
        assert admin.get("/v1/releases").json()["labels"]["production"] == "wide@2"

        # One click (and a confirmation) puts the previous production back.
        page.once("dialog", lambda dialog: dialog.accept())
        panel.get_by_test_id("releases-rollback").click()
        expect(panel.get_by_test_id("releases-production")).to_contain_text("strict@1")
        expect(message).to_have_text("Rolled back: production is strict@1.")
        expect(panel.get_by_test_id("audit-entry").first).to_contain_text("rollback")
        assert admin.get("/v1/releases").json()["labels"]["production"] == "strict@1"
        watch.shot(page, "dashboard-releases.png")

        # A 5% canary reads as 5% (the share is a percent already), and Stop ends it.
        started = admin.post(
            "/v1/rollouts", json={"candidate": "next@3", "mode": "canary", "share": 5}
        )
        assert started.status_code == 201, started.text
        page.reload()
        rollout = page.get_by_test_id("releases").get_by_test_id("releases-rollout")
        expect(rollout.get_by_test_id("releases-rollout-what")).to_contain_text(
            "canary 5% · next@3 vs strict@1"
        )
        watch.shot(page, "dashboard-rollout.png")
        rollout.get_by_test_id("releases-stop").click()
        expect(page.get_by_test_id("releases-message")).to_have_text("Rollout stopped.")
        assert admin.get("/v1/rollouts").json()["state"] == "stopped"

    # What the browser reported: the refused promotion (409) only. Never having started a
    # rollout is a normal state, not a 404 in the console.
    assert watch.errors
    assert all(" 409 " in e for e in watch.errors), watch.errors
