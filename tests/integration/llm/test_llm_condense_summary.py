"""LLM condensation of follow-ups (``llm_condenser``) and LLM handoff summaries (a
release's ``summarizer``), each falling back to the extractive behaviour when the model
is down."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.domain.conversation import Outcome
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import MisbehavingServer, closed_port, loopback_provider
from frontdesk.pipeline.stages.context import HistoryCondenser
from frontdesk.pipeline.stages.llm_context import LlmCondenser
from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.releases.config import ReleaseConfig, default_release
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

HISTORY = [
    HistoryTurn("customer", "Do you ship to Norway?"),
    HistoryTurn("assistant", "Yes, Norway is in shipping zone 4.", "answered"),
]


def _dead(**options: Any) -> dict[str, Any]:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    return loopback_provider("dead", url, max_retries=0, **options).model_dump()


def _condenser(llm_stages, params: dict[str, Any]) -> LlmCondenser:
    return llm_stages.build("context", "llm_condenser", params, LlmCondenser)


def _turn(text: str) -> TurnState:
    return TurnState(tenant_id="t", conversation_id="c", text=text, history=list(HISTORY))


@pytest.mark.slow
def test_a_follow_up_is_rewritten_into_a_standalone_question(
    frontdesk: Frontdesk, llama_server: LocalLlamaServer, llm_stages
) -> None:
    local = loopback_provider("local", llama_server.base_url).model_dump()
    stage = _condenser(llm_stages, {"providers": [local], "deadline_s": 120.0})
    state = _turn("how much does it cost?")
    report = stage.run(state)
    assert report.flags == []
    assert "norway" in state.query.lower()
    assert "\n" not in state.query  # one question, not the condensed history
    assert report.detail["rewritten"] == state.query
    assert report.scores["completion_tokens"] > 0


def test_a_standalone_message_never_reaches_the_model(
    frontdesk: Frontdesk, garbage: MisbehavingServer, llm_stages
) -> None:
    ok = garbage.provider("ok").model_dump()
    stage = _condenser(llm_stages, {"providers": [ok]})
    state = _turn("can you send parcels to sweden as well as to denmark")
    stage.run(state)
    assert state.query == state.text
    assert sum(garbage.hits.values()) == 0


def test_a_dead_provider_condenses_like_the_history_condenser(
    frontdesk: Frontdesk, llm_stages
) -> None:
    params = {"providers": [_dead()], "budget_tokens": 48}
    stage = _condenser(llm_stages, params)
    state = _turn("and to sweden?")
    report = stage.run(state)
    assert {"llm_transport", "condense_failed"} <= set(report.flags)
    expected = _turn("and to sweden?")
    HistoryCondenser(name="context", budget_tokens=48).run(expected)
    assert state.query == expected.query
    assert "Norway" in state.query


def _release(summarizer: dict[str, Any]) -> ReleaseConfig:
    data = default_release().model_dump()
    return ReleaseConfig.model_validate(
        {**data, "id": "summaries", "version": 1, "summarizer": summarizer}
    )


def test_existing_release_json_loads_without_a_summarizer() -> None:
    data = default_release().model_dump(mode="json")
    del data["summarizer"]
    release = ReleaseConfig.model_validate(data)
    assert release.summarizer is None
    assert release.digest == default_release().digest
    with_one = _release({"providers": [_dead()]})
    assert with_one.digest != release.model_copy(update={"id": "summaries"}).digest


@pytest.mark.slow
def test_an_llm_summary_tells_the_agent_what_the_customer_wants(
    settings: Settings, acme, llama_server: LocalLlamaServer
) -> None:
    local = loopback_provider("local", llama_server.base_url).model_dump()
    fd = Frontdesk(settings, release=_release({"providers": [local], "deadline_s": 120.0}))
    try:
        conversation = fd.conversations.create(acme.id)
        fd.conversations.post_message(
            acme.id, conversation.id, "I was charged twice for order 1234 and want a refund"
        )
        ticket = fd.handoff.request_person(acme.id, conversation.id)
    finally:
        fd.close()
    assert not ticket.summary.startswith("Customer asked:")  # not the extractive one
    summary = ticket.summary.lower()
    assert "charge" in summary or "refund" in summary


def test_a_dead_summarizer_gives_the_extractive_summary(settings: Settings, acme) -> None:
    fd = Frontdesk(settings, release=_release({"providers": [_dead(failure_threshold=1)]}))
    try:
        conversation = fd.conversations.create(acme.id)
        reply = fd.conversations.post_message(
            acme.id, conversation.id, "I want to talk to a real person please"
        )
        ticket = fd.handoff.current_ticket(acme.id, conversation.id)
    finally:
        fd.close()
    assert reply.turn.outcome is Outcome.HANDOFF
    assert ticket is not None
    assert ticket.summary.startswith("Customer asked: I want to talk to a real person")
    record = reply.turn.details["handoff_summary"]
    assert record["source"] == "extractive"
    assert "llm_transport" in record["flags"]
