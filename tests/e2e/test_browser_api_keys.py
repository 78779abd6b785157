"""The console's API keys screen (admins): create a widget key and get the tag that embeds
the chat, see every key's role and last use, revoke one after a question; the console's
own key cannot be revoked from there, and agents do not see the screen. Real server, real
Chromium."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_browser_console import _axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _console(browser: Browser, watch: Any, base: str, key: str) -> Page:
    page = watch(browser.new_context(viewport={"width": 1400, "height": 900}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{base}/console")
    page.get_by_test_id("console-key").fill(key)
    page.get_by_test_id("console-key-submit").click()
    expect(page.get_by_test_id("console-live")).to_have_attribute("data-state", "live")
    return page


def _role(base: str, key: str) -> int | str:
    response = httpx.get(
        f"{base}/v1/tenant/me", headers={"Authorization": f"Bearer {key}"}, timeout=10
    )
    return str(response.json()["role"]) if response.status_code == 200 else response.status_code


def test_an_admin_creates_embeds_and_revokes_a_widget_key(
    served: Any, browser: Browser, watch: Any
) -> None:
    page = _console(browser, watch, served.base, served.admin)
    page.get_by_test_id("nav-keys").click()
    rows = page.get_by_test_id("key-row")
    expect(rows).to_have_count(3)  # the test server's widget, agent and admin keys
    admin_row = page.locator('[data-testid="key-row"][data-role="admin"]')
    expect(admin_row).to_contain_text("this console's key")
    expect(admin_row.get_by_test_id("key-revoke")).to_have_count(0)

    page.get_by_test_id("new-key-name").fill("help.parcelly.example")
    page.get_by_test_id("new-key-create").click()
    key = page.get_by_test_id("new-key-value").inner_text()
    assert key.startswith("fdk_")
    expect(page.get_by_test_id("new-key-embed")).to_have_text(
        f'<script src="{served.base}/widget.js" data-key="{key}"></script>'
    )
    assert _role(served.base, key) == "widget"
    new_row = rows.filter(has_text="help.parcelly.example")
    expect(new_row).to_contain_text("widget")
    expect(new_row).to_contain_text("active")
    watch.shot(page, "console-api-keys.png")
    _axe(page, "API keys")

    asked: list[str] = []

    def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    new_row.get_by_test_id("key-revoke").click()
    expect(new_row).to_contain_text("active")
    assert _role(served.base, key) == "widget"
    page.once("dialog", lambda dialog: answer(dialog, True))
    new_row.get_by_test_id("key-revoke").click()
    expect(page.get_by_test_id("keys-status")).to_contain_text("Revoked help.parcelly.example")
    expect(new_row).to_have_count(0)
    assert "chat stops working" in asked[0]
    assert _role(served.base, key) == 401
    page.get_by_test_id("keys-show-revoked").check()
    expect(new_row).to_contain_text("revoked")
    assert watch.errors == []


def test_agents_do_not_see_the_keys_screen(served: Any, browser: Browser, watch: Any) -> None:
    page = _console(browser, watch, served.base, served.agent)
    expect(page.get_by_test_id("nav-queue")).to_be_visible()
    expect(page.get_by_test_id("nav-keys")).to_be_hidden()
    assert watch.errors == []
