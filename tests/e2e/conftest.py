"""A real server with the demo help center, and headless Debian Chromium (Playwright with
``executable_path``: no downloaded browser) for the browser tests."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    FloatRect,
    Locator,
    Page,
    expect,
    sync_playwright,
)

from frontdesk.api.app import create_app
from frontdesk.releases.config import ReleaseConfig
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing import http

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-helpcenter"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Served:
    base: str
    widget: str
    agent: str
    admin: str = ""


@contextlib.contextmanager
def serve_demo(
    tmp_path: Path, release: ReleaseConfig | None = None, *, tickets: bool = False
) -> Iterator[Served]:
    """Uvicorn in a thread serving a fresh SQLite Frontdesk with the demo help center
    (and its resolved tickets with ``tickets``)."""
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        secret_key="test-secret-0123456789abcdef",
        rate_limit_per_minute=0,
        multilingual_prebuild=False,  # minutes of CPU the browser tests do not need
        embedding_memo=8192,  # every test's server loads the demo help center again
    )
    frontdesk = Frontdesk(settings, release=release)
    frontdesk.init()
    tenant = frontdesk.tenants.create_tenant("parcelly")
    widget = frontdesk.tenants.issue_key("parcelly", "widget")[0]
    agent = frontdesk.tenants.issue_key("parcelly", "agent", name="Sam")[0]
    admin = frontdesk.tenants.issue_key("parcelly", "admin", name="Alex")[0]
    sources = [DEMO / "articles", DEMO / "faq.csv"]
    frontdesk.knowledge.ingest_paths(
        tenant.id, [*sources, DEMO / "tickets.jsonl"] if tickets else sources
    )

    try:
        with http.serve(create_app(instance=frontdesk)) as base:
            yield Served(base, widget, agent, admin)
    finally:
        frontdesk.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serve_demo(tmp_path) as running:
        yield running


@pytest.fixture
def serve() -> Callable[..., contextlib.AbstractContextManager[Served]]:
    """``serve(tmp_path, release)``: the demo server running another release."""
    return serve_demo


@pytest.fixture
def browser() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# Viewports the page headers are checked at: three common laptop and desktop widths, a
# full-HD screen and a phone.
HEADER_WIDTHS = {1024: 700, 1280: 800, 1400: 900, 1920: 1000, 390: 800}


def box(locator: Locator) -> FloatRect:
    rect = locator.bounding_box()
    assert rect is not None, f"{locator} is not displayed"
    return rect


def beside_title(title: Locator, button: Locator) -> None:
    """``button`` sits on the header title's line: the title is one line (no taller than the
    button) and the button's middle is level with the title."""
    heading, other = box(title), box(button)
    assert heading["height"] <= other["height"], f"the title wraps: {heading}"
    middle = other["y"] + other["height"] / 2
    assert heading["y"] <= middle <= heading["y"] + heading["height"], (heading, other)


@dataclass
class PageWatch:
    """Collects uncaught script errors and console errors so a test can fail on them,
    and takes screenshots into tests/artifacts/."""

    errors: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    def __call__(self, page: Page) -> Page:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.errors.append(f"{page.url}: console: {message.text}")

        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", on_console)
        return page

    def shot(self, page: Page, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        page.screenshot(path=str(path), full_page=False)
        self.shots.append(path)


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


def ask_then_hand_off(page: Page, served: Served, question: str) -> None:
    """On the demo page: open the widget, ask ``question``, wait for the answer, then
    press "Talk to a person" and wait for the banner."""
    page.goto(f"{served.base}/demo?key={served.widget}")
    page.get_by_test_id("fd-launcher").click()
    page.get_by_test_id("fd-input").fill(question)
    page.get_by_test_id("fd-input").press("Enter")
    expect(page.get_by_test_id("fd-msg-assistant")).to_have_count(1, timeout=60_000)
    page.get_by_test_id("fd-handoff").click()
    expect(page.get_by_test_id("fd-handoff-banner")).to_be_visible()


def agent_takes_ticket_and(served: Served, action: str) -> None:
    """The agent assigns the newest ticket to themselves, then ``action``s it
    (``resolve``, ``handback``) through the API."""
    with httpx.Client(
        base_url=served.base, headers={"Authorization": f"Bearer {served.agent}"}, timeout=10
    ) as api:
        ticket = api.get("/v1/tickets").json()[0]
        api.post(f"/v1/tickets/{ticket['id']}/assign").raise_for_status()
        api.post(f"/v1/tickets/{ticket['id']}/{action}").raise_for_status()
