"""Streaming a local model's answer over a real HTTP server: the draft arrives as it is
written, the output guard checks the whole answer before it is committed, and a blocked
draft is replaced, not left half-shown."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx

from frontdesk.api.app import create_app
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import loopback_provider
from frontdesk.releases.config import ReleaseConfig
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import serve, sse_events
from frontdesk.testing.turns import llm_release

_MARKERS = re.compile(r"\s*\[\d+\]")
_REPEATED_STOP = re.compile(r"([.!?])[.!?]+")


def _plain(text: str) -> str:
    return _REPEATED_STOP.sub(r"\1", _MARKERS.sub("", text)).strip()


def _release(base_url: str, rules: list[dict[str, Any]] | None = None) -> ReleaseConfig:
    return llm_release(
        [loopback_provider("local", base_url).model_dump()],
        release_id="llm-stream",
        rules=rules,
        decide_threshold=0.05,  # this test is about streaming, not deciding
        max_tokens=96,
        deadline_s=120,  # slow-but-healthy passes on a loaded machine
    )


def _ask(
    settings: Settings, release: ReleaseConfig, tenant_setup: Path, text: str
) -> tuple[list[tuple[float, str, Any]], str]:
    """Post ``text`` with Accept: text/event-stream; every event with its arrival time,
    and the server's /metrics afterwards."""
    instance = Frontdesk(settings, release=release)
    instance.init()
    tenant = instance.tenants.create_tenant("acme")
    # An agent key: these tests read the guard stages of the trace, which the widget's
    # copy of a turn leaves out (the widget's own stream is tested in tests/e2e).
    key = instance.tenants.issue_key("acme", "agent")[0]
    instance.knowledge.ingest_paths(tenant.id, [tenant_setup])
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with serve(create_app(instance=instance)) as base, httpx.Client(timeout=180) as http:
            conversation = http.post(f"{base}/v1/conversations", headers=headers).json()["id"]
            started = time.monotonic()
            events = []
            with http.stream(
                "POST",
                f"{base}/v1/conversations/{conversation}/messages",
                json={"text": text},
                headers={**headers, "Accept": "text/event-stream"},
            ) as response:
                assert response.status_code == 201
                for name, data in sse_events(response.iter_lines()):
                    events.append((time.monotonic() - started, name, data))
            stored = http.get(f"{base}/v1/conversations/{conversation}", headers=headers).json()
            assert stored["turns"][-1]["text"] == events[-1][2]["text"]  # final == committed
            metrics = http.get(f"{base}/metrics").text
    finally:
        instance.close()
    return events, metrics


def _faq(tmp_path: Path) -> Path:
    faq = tmp_path / "faq.csv"
    faq.write_text(
        "question,answer\n"
        'Do you ship to Norway?,"Yes. We ship to Norway; parcels arrive in 5 to 7 '
        'business days and shipping costs 12 euros."\n'
        'How do I reset my password?,"Open Settings, choose Security and click Reset '
        'password; the link is valid for 30 minutes."\n'
    )
    return faq


def test_the_draft_streams_before_the_final_answer(
    settings: Settings, llama_server: LocalLlamaServer, tmp_path: Path
) -> None:
    events, metrics = _ask(
        settings, _release(llama_server.base_url), _faq(tmp_path), "Do you ship to Norway?"
    )
    names = [name for _, name, _ in events]
    assert names[0] == "accepted", names
    assert names[-1] == "final", names
    deltas = [(at, data["text"]) for at, name, data in events if name == "delta"]
    assert len(deltas) >= 3, names  # token by token, not one block
    final_at, final = events[-1][0], events[-1][2]
    assert deltas[0][0] < final_at
    assert final["outcome"] == "answered"
    draft = "".join(text for _, text in deltas)
    # The committed text is the draft with its citation markers renumbered (a marker the
    # model put between two full stops leaves one stop behind once it is removed).
    assert _plain(final["text"]) == _plain(draft)
    generate = next(stage for stage in final["trace"] if stage["name"] == "generate")
    assert generate["detail"]["provider"] == "local"
    assert generate["detail"]["first_token_ms"] > 0
    completion = f"{generate['scores']['completion_tokens']:.1f}"
    assert (
        f'frontdesk_llm_tokens_total{{kind="completion",stage="generate"}} {completion}' in metrics
    )
    assert "frontdesk_llm_first_token_seconds_count 1.0" in metrics


def test_a_draft_the_output_guard_blocks_is_replaced_by_the_committed_turn(
    settings: Settings, llama_server: LocalLlamaServer, tmp_path: Path
) -> None:
    rule = {"id": "no-norway", "kind": "forbidden_phrase", "pattern": "Norway"}
    release = _release(llama_server.base_url, [{**rule, "on_fail": "block_and_handoff"}])
    events, _metrics = _ask(settings, release, _faq(tmp_path), "Do you ship to Norway?")
    draft = "".join(data["text"] for _, name, data in events if name == "delta")
    final = events[-1][2]
    assert "norway" in draft.lower()  # the model wrote it and it was shown as a draft
    assert final["outcome"] in {"no_answer", "handoff"}
    assert "norway" not in final["text"].lower()
    assert final["replaced"] is True
    output_guard = next(stage for stage in final["trace"] if stage["name"] == "output_guard")
    assert output_guard["detail"]["action"] != "allow"
