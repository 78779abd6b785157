"""The widget shows a local model's answer while it is written, then the committed turn;
a draft the output guard blocks disappears instead of staying half-shown. Real browser,
real server, real llama.cpp server with the packaged Qwen2.5-0.5B."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import loopback_provider
from frontdesk.releases.config import ReleaseConfig
from frontdesk.testing.turns import llm_release

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Records every text the draft bubble shows, from inside the widget's shadow root.
RECORD_DRAFTS = """() => {
  window.__drafts = [];
  const root = document.querySelector('#frontdesk-widget').shadowRoot;
  new MutationObserver(() => {
    const draft = root.querySelector('[data-testid="fd-msg-draft"] .text');
    if (draft && draft.textContent) window.__drafts.push(draft.textContent);
  }).observe(root, { subtree: true, childList: true, characterData: true });
}"""


def _release(base_url: str) -> ReleaseConfig:
    rule = {"id": "no-trial-talk", "kind": "forbidden_phrase", "pattern": "trial"}
    return llm_release(
        [loopback_provider("local", base_url).model_dump()],
        release_id="llm-widget",
        rules=[{**rule, "on_fail": "block_and_handoff"}],
        decide_threshold=0.05,  # this test is about streaming, not deciding
        max_tokens=96,
        deadline_s=120,  # slow-but-healthy passes on a loaded machine
    )


def _ask(page: Page, question: str, answers_before: int) -> Any:
    page.evaluate(RECORD_DRAFTS)
    page.get_by_test_id("fd-input").fill(question)
    page.get_by_test_id("fd-input").press("Enter")
    answers = page.get_by_test_id("fd-msg-assistant")
    expect(answers).to_have_count(answers_before + 1, timeout=120_000)
    expect(page.get_by_test_id("fd-msg-draft")).to_have_count(0)
    return answers.nth(answers_before)


def test_the_widget_streams_a_draft_and_replaces_a_blocked_one(
    tmp_path: Path, serve: Any, browser: Browser, watch: Any, llama_server: LocalLlamaServer
) -> None:
    with serve(tmp_path, _release(llama_server.base_url)) as served:
        page = watch(browser.new_context(viewport={"width": 1280, "height": 860}).new_page())
        page.set_default_timeout(15_000)
        page.goto(f"{served.base}/demo?key={served.widget}")
        page.get_by_test_id("fd-launcher").click()

        answer = _ask(page, "How much does the Plus plan cost?", 0)
        drafts: list[str] = page.evaluate("window.__drafts")
        assert len(set(drafts)) >= 3, drafts  # it grew token by token
        assert all(b.startswith(a) for a, b in itertools.pairwise(drafts))
        expect(answer).to_have_attribute("data-outcome", "answered")
        expect(answer).to_contain_text("9.99")
        watch.shot(page, "widget-streamed-answer.png")

        blocked = _ask(page, "Is there a free trial of Plus?", 1)
        drafts = page.evaluate("window.__drafts")
        assert any("trial" in d.lower() for d in drafts), drafts  # the model wrote it …
        expect(blocked).not_to_contain_text("trial")  # … and the guard's verdict replaced it
        assert blocked.get_attribute("data-outcome") in {"no_answer", "handoff"}
        watch.shot(page, "widget-blocked-draft.png")
    assert watch.errors == []
