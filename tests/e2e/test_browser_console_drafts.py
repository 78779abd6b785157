"""An agent's working day in the console, the rough edges: a reply written for one
customer must not follow the agent to the next ticket, the header offers only what works
while signed out, "Suggested FAQ entries" opens from any screen, a fresh canned reply does
not say "Saved", and the dashboard is one click away with the same sign-in.
Real server, real Chromium."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _ticket(base: str, widget: str, text: str) -> dict[str, Any]:
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {widget}"}, timeout=60
    ) as http:
        cid = http.post("/v1/conversations", json={}).json()["id"]
        http.post(f"/v1/conversations/{cid}/messages", json={"text": text})
        ticket: dict[str, Any] = http.post(f"/v1/conversations/{cid}/handoff").json()
    return ticket


def test_drafts_stay_with_their_ticket_and_the_header_fits_the_state(
    served: Any, browser: Browser, watch: Any
) -> None:
    first = _ticket(served.base, served.widget, "How much does a pickup cost?")
    second = _ticket(served.base, served.widget, "How do I track my parcel?")
    page = watch(browser.new_context(viewport={"width": 1400, "height": 900}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/console")

    # Signed out: nothing in the header that needs a key.
    expect(page.get_by_test_id("console-login")).to_be_visible()
    for control in ("suggestions-toggle", "help-toggle", "console-sign-out", "nav-dashboard"):
        expect(page.get_by_test_id(control)).to_be_hidden()

    page.get_by_test_id("console-key").fill(served.agent)
    page.get_by_test_id("console-key-submit").click()
    expect(page.get_by_test_id("console-live")).to_have_attribute("data-state", "live")
    expect(page.get_by_test_id("suggestions-toggle")).to_be_visible()

    def open_ticket(ticket: dict[str, Any]) -> None:
        page.locator(f'[data-testid="ticket-item"][data-ticket-id="{ticket["id"]}"]').click()
        expect(page.get_by_test_id("console-turns")).to_contain_text(
            "pickup" if ticket is first else "track"
        )

    # A half-written reply and note for the first customer ...
    open_ticket(first)
    page.get_by_test_id("reply-input").fill("Pickups cost €3.50 on Basic.")
    page.get_by_test_id("note-input").fill("Asked about pickups.")
    # ... are not in the boxes of the second ticket ...
    open_ticket(second)
    expect(page.get_by_test_id("reply-input")).to_have_value("")
    expect(page.get_by_test_id("note-input")).to_have_value("")
    page.get_by_test_id("reply-input").fill("Track it at parcelly.example/track.")
    # ... and are back when the agent returns to the first.
    open_ticket(first)
    expect(page.get_by_test_id("reply-input")).to_have_value("Pickups cost €3.50 on Basic.")
    expect(page.get_by_test_id("note-input")).to_have_value("Asked about pickups.")
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("console-status")).to_have_text("Reply sent.")
    expect(page.get_by_test_id("reply-input")).to_have_value("")
    open_ticket(second)
    expect(page.get_by_test_id("reply-input")).to_have_value("Track it at parcelly.example/track.")
    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        turns = api.get(f"/v1/tickets/{second['id']}").json()["conversation"]["turns"]
    assert [t for t in turns if t["role"] == "agent"] == []

    # Suggested FAQ entries from another screen: the console goes to the queue to show them.
    page.get_by_test_id("nav-knowledge").click()
    expect(page.get_by_test_id("knowledge-screen")).to_be_visible()
    page.get_by_test_id("suggestions-toggle").click()
    expect(page.get_by_test_id("suggestions-panel")).to_be_visible()
    expect(page.get_by_test_id("suggestions-toggle")).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("nav-queue")).to_have_attribute("aria-current", "page")
    # Loading, or with nothing to suggest (both answered questions), the panel is as tall
    # as its text: the queue and the open ticket stay in view, not below a blank area.
    expect(page.get_by_test_id("suggestions-status")).not_to_have_text("")
    panel = page.get_by_test_id("suggestions-panel").bounding_box()
    queue = page.locator("section.queue").bounding_box()
    assert panel is not None
    assert queue is not None
    assert panel["height"] < 200, panel
    assert queue["y"] <= panel["y"] + panel["height"] + 4, (panel, queue)

    # A new canned reply does not say the previous one was just saved.
    page.get_by_test_id("nav-replies").click()
    page.get_by_test_id("canned-title").fill("Pickup price")
    page.get_by_test_id("canned-body").fill("Pickups cost €3.50 on Basic.")
    page.get_by_test_id("canned-save").click()
    expect(page.get_by_test_id("canned-status")).to_contain_text("Saved")
    page.get_by_test_id("canned-new").click()
    expect(page.get_by_test_id("canned-status")).to_have_text("")

    # The dashboard, one click away, is already signed in.
    page.get_by_test_id("nav-dashboard").click()
    expect(page).to_have_url(f"{served.base}/dashboard")
    expect(page.get_by_test_id("kpis")).to_be_visible()
    expect(page.get_by_test_id("dashboard-login")).to_be_hidden()
    # "Last 7 days" (the default range) covers 7 whole UTC days, today included.
    expect(page.get_by_test_id("range")).to_have_value("168")
    expect(page.get_by_test_id("dashboard-status")).to_contain_text("Updated")
    shown = re.findall(r"\d{4}-\d{2}-\d{2}", page.get_by_test_id("dashboard-status").inner_text())
    first, last = (date.fromisoformat(day) for day in shown)
    assert (last - first).days == 7
    assert last == datetime.now(UTC).date() + timedelta(days=1)

    # Signing out hides what needs a key again.
    page.goto(f"{served.base}/console")
    page.get_by_test_id("console-sign-out").click()
    expect(page.get_by_test_id("suggestions-toggle")).to_be_hidden()
    expect(page.get_by_test_id("suggestions-panel")).to_be_hidden()
    assert watch.errors == []


@pytest.mark.parametrize("width", [390, 768])
def test_console_and_dashboard_fit_a_narrow_window(
    served: Any, browser: Browser, watch: Any, width: int
) -> None:
    _ticket(served.base, served.widget, "How much does a pickup cost?")
    page = watch(browser.new_context(viewport={"width": width, "height": 800}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/console")
    page.get_by_test_id("console-key").fill(served.agent)
    page.get_by_test_id("console-key-submit").click()
    expect(page.get_by_test_id("ticket-item")).to_have_count(1)

    def fits() -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for control in page.locator("header button:visible, header a:visible").all():
            box = control.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] <= width, control.inner_text()

    fits()
    # The ticket's summary shows the question, not only "Customer writes in …".
    summary = page.get_by_test_id("ticket-item").locator(".summary")
    assert summary.evaluate("e => e.getBoundingClientRect().height") > 30
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("kpis")).to_be_visible()
    expect(page.get_by_test_id("chart-turns")).to_be_visible()
    fits()
    watch.shot(page, f"dashboard-{width}.png")
    assert watch.errors == []


def test_an_empty_team_says_how_to_add_someone(served: Any, browser: Browser, watch: Any) -> None:
    page = watch(browser.new_context(viewport={"width": 1400, "height": 900}).new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{served.base}/console")
    page.get_by_test_id("console-key").fill(served.admin)
    page.get_by_test_id("console-key-submit").click()
    page.get_by_test_id("nav-team").click()
    expect(page.get_by_test_id("agents-empty")).to_contain_text("No agent accounts yet")
    page.get_by_test_id("agent-name").fill("Sam Lee")
    page.get_by_test_id("agent-email").fill("sam@parcelly.example")
    page.get_by_test_id("agent-create").click()
    expect(page.get_by_test_id("agent-row")).to_have_count(1)
    expect(page.get_by_test_id("agents-empty")).to_have_count(0)
    assert watch.errors == []
