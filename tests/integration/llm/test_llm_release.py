"""A release switches to LLM generation by config alone; a dead provider never costs the
customer an answer."""

from __future__ import annotations

from pathlib import Path

from frontdesk.api.schemas import TurnPublic
from frontdesk.llm.testing import closed_port
from frontdesk.releases.config import ReleaseConfig
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.turns import llm_release


def _llm_release(base_url: str) -> ReleaseConfig:
    dead = {"name": "dead", "base_url": base_url, "max_retries": 0, "failure_threshold": 1}
    return llm_release([dead], max_tokens=64)


def test_a_dead_provider_falls_back_to_the_extractive_answer(
    settings: Settings, frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text('question,answer\nDo you ship to Norway?,"Yes, Norway is in zone 4."\n')
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    release = _llm_release(f"http://127.0.0.1:{closed_port()}/v1")
    llm = Frontdesk(settings, release=release)
    try:
        llm.warm_up()
        conversation = llm.conversations.create(acme.id)
        turns = [
            TurnPublic.of(llm.conversations.post_message(acme.id, conversation.id, text).turn)
            for text in ("do you ship parcels to norway?", "can I send a parcel to norway")
        ]
    finally:
        llm.close()
    first, second = turns
    assert first.outcome == "answered"
    assert "Norway is in zone 4" in first.text
    generate = next(s for s in first.trace if s.name == "generate")
    assert "fallback:extractive" in generate.flags
    assert "llm_transport" in generate.flags
    second_generate = next(s for s in second.trace if s.name == "generate")
    assert "breaker_open" in second_generate.flags  # no second wait on a dead server
    assert first.release_id == "llm@1"
