"""The dashboard in a real browser against a real server: sign in as an agent, see the
week's numbers and charts with the release marker, add an unanswered question to the
knowledge (and the assistant then answers it), see an alert fire and land in the
history; the landing page and the offline API docs. Headless Debian Chromium via
Playwright; screenshots go to tests/artifacts/."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Route, expect

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing import http
from tests.e2e.conftest import HEADER_WIDTHS, beside_title, box

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-helpcenter"
ANSWERED = "How much does the Plus plan cost?"
UNANSWERED = ("Do you deliver parcels to Antarctica?", "do you deliver parcels to antarctica")
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
# Swagger UI and ReDoc render the whole OpenAPI document in the browser: on a slow host
# ReDoc took over expect()'s default 5 s (the page's own timeout is 20 s).
RENDER_MS = 20_000
NEW_ANSWER = "Yes: we deliver to research stations in Antarctica twice a year, in January and July."


@dataclass(frozen=True)
class Running:
    base: str
    widget: str
    agent: str
    admin: str


@contextlib.contextmanager
def _serve(tmp_path: Path) -> Iterator[Running]:
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        secret_key="test-secret-0123456789abcdef",
        rate_limit_per_minute=0,
        operations_interval_s=0.5,  # the alert loop runs in the server, as in production
        alert_period_s=1,
    )
    frontdesk = Frontdesk(settings)
    frontdesk.init()
    tenant = frontdesk.tenants.create_tenant("parcelly")
    keys = {r: frontdesk.tenants.issue_key("parcelly", r)[0] for r in ("widget", "agent", "admin")}
    # Two entries of the demo FAQ: quick to ingest, and far from the unanswered question.
    faq = tmp_path / "faq.csv"
    faq.write_text("\n".join((DEMO / "faq.csv").read_text().splitlines()[:3]) + "\n")
    frontdesk.knowledge.ingest_paths(tenant.id, [faq])
    try:
        with http.serve(create_app(instance=frontdesk)) as base:
            yield Running(base, keys["widget"], keys["agent"], keys["admin"])
    finally:
        frontdesk.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with _serve(tmp_path) as served:
        yield served


def _ask(running: Running, text: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {running.widget}"}
    with httpx.Client(base_url=running.base, headers=headers, timeout=60) as client:
        cid = client.post("/v1/conversations").json()["id"]
        response = client.post(f"/v1/conversations/{cid}/messages", json={"text": text})
        assert response.status_code == 201, response.text
        return dict(response.json())


def test_the_dashboard_shows_the_week_and_turns_gaps_into_knowledge(
    running: Running, browser: Browser, watch: Any
) -> None:
    assert _ask(running, ANSWERED)["outcome"] == "answered"
    for text in UNANSWERED:
        assert _ask(running, text)["outcome"] != "answered"
    # A rule that fires on the first turn, so the history has something to show.
    admin = {"Authorization": f"Bearer {running.admin}"}
    rule = {"name": "Any latency", "metric": "p95_latency_ms", "threshold": 1, "min_sample": 1}
    assert (
        httpx.post(f"{running.base}/v1/alerts/rules", json=rule, headers=admin).status_code == 201
    )

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(15_000)
    watch(page)
    outside: list[str] = []

    def refuse_outside(route: Route) -> None:
        outside.append(route.request.url)
        route.abort()

    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(running.base)
            else refuse_outside(route)
        ),
    )

    page.goto(f"{running.base}/")
    expect(page.get_by_test_id("landing-links")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("dashboard-login")).to_be_visible()
    page.get_by_test_id("dashboard-key").fill(running.widget)
    page.get_by_test_id("dashboard-key-submit").click()
    expect(page.get_by_test_id("dashboard-login-error")).to_contain_text("widget key")
    # The browser reports the refused requests; they are the point of this step.
    assert watch.errors
    assert all("403" in error for error in watch.errors)
    watch.errors.clear()
    page.get_by_test_id("dashboard-key").fill(running.agent)
    page.get_by_test_id("dashboard-key-submit").click()

    expect(page.get_by_test_id("kpi-turns")).to_have_text("3")
    expect(page.get_by_test_id("kpi-answered")).to_have_text("33.3%")
    expect(page.get_by_test_id("kpi-p95")).to_contain_text("ms")
    expect(page.get_by_test_id("chart-turns").locator("rect")).to_have_count(1)
    expect(page.get_by_test_id("chart-rates").locator("path")).to_have_count(2)
    expect(page.get_by_test_id("chart-latency").locator("line.threshold")).to_have_count(1)
    expect(page.get_by_test_id("chart-confidence").get_by_test_id("release-marker")).to_have_count(
        1
    )
    question = page.get_by_test_id("unanswered").get_by_test_id("question").first
    expect(question.locator(".count")).to_have_text("\u00d72")
    expect(question).to_contain_text(re.compile("antarctica", re.IGNORECASE))
    expect(page.get_by_test_id("alert-rules").get_by_test_id("alert-rule")).to_have_count(6)
    # Served alike? The three English turns make one language row, nothing to flag.
    fairness = page.get_by_test_id("fairness")
    expect(fairness.get_by_test_id("fairness-row")).to_have_count(1)
    expect(fairness.get_by_test_id("fairness-row").first).to_contain_text("3")
    expect(fairness.get_by_test_id("fairness-flags")).to_contain_text("No gap")

    # The alert loop in the server fires the rule; a reload shows it in the history.
    firing = page.get_by_test_id("alert-history").locator("[data-state=firing]")
    for _ in range(20):
        page.get_by_test_id("range").select_option("24")
        page.get_by_test_id("range").select_option("168")
        if firing.count():
            break
        page.wait_for_timeout(500)
    expect(firing.first).to_contain_text("Any latency")
    expect(page.get_by_test_id("dashboard-status")).to_contain_text("Updated")
    watch.shot(page, "dashboard.png")

    question.get_by_test_id("add-to-knowledge").click()
    form = question.get_by_test_id("faq-form")
    expect(form.get_by_test_id("faq-question")).to_have_value(re.compile("antarctica", re.I))
    form.get_by_test_id("faq-answer").fill(NEW_ANSWER)
    form.get_by_test_id("faq-save").click()
    expect(question.get_by_test_id("faq-added")).to_be_visible()
    answer = _ask(running, UNANSWERED[0])
    assert answer["outcome"] == "answered"
    assert "January" in answer["text"]

    # Week view: daily buckets; the summary survives a reload (the key is kept per tab).
    page.reload()
    expect(page.get_by_test_id("kpi-turns")).to_have_text("4")
    assert outside == []
    assert watch.errors == []


def test_sign_out_and_the_totals_keep_their_rows_at_common_widths(
    running: Running, browser: Browser, watch: Any
) -> None:
    """Sign out stays on the title's line, and the eight totals and four charts fill their
    rows evenly: no card left alone on a row (8 = 6 + 2 at 1024 px, 4 charts = 3 + 1 at
    1920 px before)."""
    for width, height in HEADER_WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = watch(context.new_page())
        page.set_default_timeout(15_000)
        page.goto(f"{running.base}/dashboard")
        page.get_by_test_id("dashboard-key").fill(running.agent)
        page.get_by_test_id("dashboard-key-submit").click()
        expect(page.get_by_test_id("kpi-turns")).to_have_text("0")
        beside_title(page.locator(".top h1"), page.get_by_test_id("dashboard-sign-out"))
        for cards in page.locator(".kpi"), page.locator(".chart"):
            per_row = Counter(round(box(card)["y"]) for card in cards.all())
            assert len(set(per_row.values())) == 1, (width, per_row)
        watch.shot(page, f"dashboard-header-{width}.png")
        context.close()
    assert watch.errors == []


def test_the_api_docs_render_with_no_internet(
    running: Running, browser: Browser, watch: Any
) -> None:
    page = browser.new_context().new_page()
    page.set_default_timeout(20_000)
    watch(page)
    outside: list[str] = []

    def guard(route: Route) -> None:
        if route.request.url.startswith(running.base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(f"{running.base}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Frontdesk", timeout=RENDER_MS)
    expect(page.get_by_text("/v1/stats/summary").first).to_be_visible(timeout=RENDER_MS)
    assert outside == []
    assert watch.errors == []
    page.goto(f"{running.base}/redoc")
    expect(page.get_by_text("/v1/webhooks").first).to_be_attached(timeout=RENDER_MS)
    expect(page.get_by_role("heading", name="Frontdesk").first).to_be_visible(timeout=RENDER_MS)
    # ReDoc's "powered by" footer names a logo on its CDN: the page's policy keeps the
    # browser from asking for it at all, and the page renders all the same.
    assert outside == []
    assert all(
        "Content Security Policy" in error and REDOC_LOGO in error for error in watch.errors
    ), watch.errors
