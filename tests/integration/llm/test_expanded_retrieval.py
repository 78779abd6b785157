"""LLM-expanded retrieval (``llm_expanded_retriever``) against llama.cpp with
Qwen2.5-Coder-0.5B, and against dead or broken providers, where it must retrieve exactly
what ``knowledge_retriever`` does."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import MisbehavingServer, closed_port, loopback_provider
from frontdesk.pipeline.stages.expand import LlmExpandedRetriever
from frontdesk.pipeline.state import TurnState
from frontdesk.runtime import Frontdesk

FAQ = """question,answer
How do I return an item?,"Send it back within 30 days using the prepaid label from your order page. Refunds reach the original payment method within 5 business days after the item arrives."
Where is my parcel?,"Track your parcel from the order page. If tracking says delivered but nothing arrived, check with your neighbours, then contact us within 14 days: we open a carrier investigation and send a replacement."
Do you ship to Norway?,"Yes, Norway is in shipping zone 4; delivery takes 5 to 7 days."
How do gift cards work?,"Gift cards are valid for two years and work on any order. They cannot be exchanged for cash."
How do I reset my password?,"Open Settings and choose Reset password. We e-mail you a link that is valid for 24 hours."
Can I change my delivery address?,"You can change the delivery address from the order page until the order ships."
What payment methods do you accept?,"We accept Visa, Mastercard, PayPal and bank transfer."
How do I cancel my subscription?,"Cancel any time under Account > Subscription; you keep access until the end of the paid period."
"""


@pytest.fixture
def knowledge(frontdesk: Frontdesk, acme, tmp_path: Path) -> str:
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    return acme.id


def _stage(llm_stages, params: dict[str, Any]) -> LlmExpandedRetriever:
    return llm_stages.build("retrieve", "llm_expanded_retriever", params, LlmExpandedRetriever)


def _plain(frontdesk: Frontdesk, tenant_id: str, text: str, top_k: int) -> list[str]:
    stage = frontdesk.registry.build_stage(
        "retrieve", "knowledge_retriever", {"top_k": top_k}, frontdesk.resources
    )
    state = TurnState(tenant_id=tenant_id, conversation_id="c", text=text)
    stage.run(state)
    return [p.chunk_id for p in state.passages]


def _turn(tenant_id: str, text: str) -> TurnState:
    return TurnState(tenant_id=tenant_id, conversation_id="c", text=text, query=text)


@pytest.mark.slow
def test_hyde_searches_with_a_written_passage_and_keeps_the_query_top_hit(
    frontdesk: Frontdesk,
    knowledge: str,
    llama_server: LocalLlamaServer,
    llm_stages,
) -> None:
    local = loopback_provider("local", llama_server.base_url).model_dump()
    params = {"mode": "hyde", "providers": [local], "top_k": 3, "max_tokens": 64}
    stage = _stage(llm_stages, {**params, "deadline_s": 120.0})
    question = "my package never showed up, what can I do?"
    state = _turn(knowledge, question)
    report = stage.run(state)
    assert "expansion_failed" not in report.flags
    assert isinstance(report.detail["passage"], str)
    assert report.detail["passage"]
    assert report.detail["provider"] == "local"
    assert report.scores["completion_tokens"] > 0
    assert report.scores["llm_ms"] > 0
    plain = _plain(frontdesk, knowledge, question, 3)
    assert plain[0] in [p.chunk_id for p in state.passages]
    assert all("query" in p.metadata["found_by"] for p in state.passages)
    assert state.passages[0].title == "Where is my parcel?"


@pytest.mark.slow
def test_multi_query_decomposes_a_two_part_question_and_finds_both_answers(
    frontdesk: Frontdesk,
    knowledge: str,
    llama_server: LocalLlamaServer,
    llm_stages,
) -> None:
    local = loopback_provider("local", llama_server.base_url).model_dump()
    params = {"mode": "multi_query", "providers": [local], "queries": 3, "top_k": 3}
    stage = _stage(llm_stages, {**params, "deadline_s": 120.0})
    state = _turn(knowledge, "Can I change my delivery address and how long do refunds take?")
    report = stage.run(state)
    assert "expansion_failed" not in report.flags
    queries = report.detail["queries"]
    assert isinstance(queries, list)
    assert 1 <= len(queries) <= 3
    assert report.scores["expansions"] == len(queries)
    titles = {p.title for p in state.passages}
    assert {"Can I change my delivery address?", "How do I return an item?"} <= titles


def test_a_dead_provider_retrieves_exactly_like_knowledge_retriever(
    frontdesk: Frontdesk, knowledge: str, llm_stages
) -> None:
    dead = loopback_provider(
        "dead", f"http://127.0.0.1:{closed_port()}/v1", max_retries=0, failure_threshold=1
    ).model_dump()
    stage = _stage(llm_stages, {"mode": "hyde", "providers": [dead], "top_k": 3})
    question = "how do I get my money back?"
    state = _turn(knowledge, question)
    report = stage.run(state)
    assert "expansion_failed" in report.flags
    assert "llm_transport" in report.flags
    assert report.detail["chunk_ids"] == _plain(frontdesk, knowledge, question, 3)
    assert [p.chunk_id for p in state.passages] == report.detail["chunk_ids"]
    again = stage.run(_turn(knowledge, question))
    assert "breaker_open" in again.flags  # the next turn does not wait on it again
    assert "expansion_failed" in again.flags


def test_a_hanging_provider_costs_at_most_the_deadline(
    frontdesk: Frontdesk,
    knowledge: str,
    garbage: MisbehavingServer,
    llm_stages,
) -> None:
    hang = garbage.provider("hang", max_retries=0).model_dump()
    stage = _stage(
        llm_stages,
        {"mode": "multi_query", "providers": [hang], "top_k": 3, "deadline_s": 0.5},
    )
    started = time.monotonic()
    report = stage.run(_turn(knowledge, "where is my parcel?"))
    assert time.monotonic() - started < 1.4  # the server answers after 1.5 s
    assert {"llm_timeout", "expansion_failed"} <= set(report.flags)
    assert report.detail["chunk_ids"]


def test_the_next_provider_answers_when_the_first_is_down(
    frontdesk: Frontdesk,
    knowledge: str,
    garbage: MisbehavingServer,
    llm_stages,
) -> None:
    dead = loopback_provider(
        "dead", f"http://127.0.0.1:{closed_port()}/v1", max_retries=0
    ).model_dump()
    # The misbehaving server's well-formed reply is a JSON answer: as a HyDE passage it
    # is text like any other.
    good = garbage.provider("ok").model_dump()
    stage = _stage(llm_stages, {"mode": "hyde", "providers": [dead, good], "top_k": 3})
    report = stage.run(_turn(knowledge, "how long do refunds take?"))
    assert "fallback:garbage-ok" in report.flags
    assert "expansion_failed" not in report.flags
    assert "Refunds take 5 business days" in str(report.detail["passage"])
    assert report.scores["prompt_tokens"] == 100
    attempts = report.detail["attempts"]
    assert isinstance(attempts, list)
    assert [a["outcome"] for a in attempts] == ["llm_transport", "ok"]


def test_no_knowledge_means_no_llm_call(
    frontdesk: Frontdesk,
    acme,
    garbage: MisbehavingServer,
    llm_stages,
) -> None:
    stage = _stage(llm_stages, {"mode": "hyde", "providers": [garbage.provider("ok").model_dump()]})
    report = stage.run(_turn(acme.id, "where is my parcel?"))
    assert report.flags == ["no_knowledge"]
    assert sum(garbage.hits.values()) == 0
