"""Against llama.cpp's real OpenAI-compatible server (xllamacpp) with Qwen2.5-Coder-0.5B
on 127.0.0.1: JSON answers, streaming, usage and cost, timeouts, the breaker, and a
server killed mid-stream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.llm.breaker import BreakerBoard, BreakerState
from frontdesk.llm.completion import ChatStream
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import LlmTransportError, LlmTruncatedError
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.provider import OpenAICompatibleProvider
from frontdesk.llm.testing import loopback_provider
from frontdesk.pipeline.stages.llm_generator import LlmGenerator
from frontdesk.testing.turns import sample_turn

pytestmark = pytest.mark.slow

COUNT_PROMPT = [{"role": "user", "content": "Count from 1 to 40, separated by commas."}]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def local(llama_server: LocalLlamaServer) -> ProviderConfig:
    return loopback_provider(
        "local",
        llama_server.base_url,
        prices={"prompt_per_1k": 0.5, "completion_per_1k": 1.5},
    )


@pytest.fixture
def provider(local: ProviderConfig) -> Iterator[OpenAICompatibleProvider]:
    client = OpenAICompatibleProvider(local)
    yield client
    client.close()


def test_grounded_json_answer_cites_the_passage(local: ProviderConfig) -> None:
    generator = LlmGenerator(
        name="generate",
        providers=[local],
        canary="CANARY-3f9b",
        max_passages=1,
        max_tokens=96,
        deadline_s=120,  # slow-but-healthy passes on a loaded machine
    )
    state = sample_turn()
    try:
        report = generator.run(state)
    finally:
        generator.close()
    assert report.flags == []
    assert "5" in state.answer
    assert "[1]" in state.answer
    assert [(c.number, c.chunk_id, c.document_id) for c in state.citations] == [
        (1, "refunds-1", "kb-12")
    ]
    assert state.confidence == pytest.approx(0.71)
    llm = state.details["llm"]
    assert llm["provider"] == "local"
    assert llm["prompt_tokens"] > 50
    assert llm["completion_tokens"] > 0
    expected = (llm["prompt_tokens"] * 0.5 + llm["completion_tokens"] * 1.5) / 1000
    assert llm["cost"] == pytest.approx(expected)
    assert report.scores["cost"] == pytest.approx(expected)


def test_streaming_yields_deltas_then_usage(provider: OpenAICompatibleProvider) -> None:
    stream = provider.stream(COUNT_PROMPT, max_tokens=24)
    deltas = list(stream)
    assert len(deltas) > 3
    completion = stream.completion
    assert completion is not None
    assert completion.text == "".join(deltas)
    assert completion.finish_reason in {"length", "stop"}
    assert (
        completion.usage.completion_tokens == len(deltas) or completion.usage.completion_tokens > 0
    )
    assert completion.first_token_ms is not None
    assert completion.first_token_ms <= completion.latency_ms


def test_cost_accounting_adds_up_from_usage(provider: OpenAICompatibleProvider) -> None:
    first = provider.complete(COUNT_PROMPT, max_tokens=8)
    second = provider.complete(COUNT_PROMPT, max_tokens=8)
    for completion in (first, second):
        usage = completion.usage
        assert usage.prompt_tokens > 0
        assert completion.cost == pytest.approx(
            (usage.prompt_tokens * 0.5 + usage.completion_tokens * 1.5) / 1000
        )
    assert second.usage.cached_tokens > 0  # same prompt: the server reused the prefix
    assert provider.totals.requests == 2
    assert provider.totals.cost == pytest.approx(first.cost + second.cost)


def test_timeouts_open_the_breaker_and_a_half_open_probe_closes_it(
    llama_server: LocalLlamaServer,
) -> None:
    clock = FakeClock()
    board = BreakerBoard(clock=clock)
    impatient = loopback_provider(
        "local-breaker",
        llama_server.base_url,
        read_timeout_s=0.05,
        max_retries=0,
        failure_threshold=2,
        cooldown_s=30,
    )
    slow = LlmGenerator(name="generate", providers=[impatient], breakers=board, max_tokens=64)
    try:
        first = slow.run(sample_turn())
        second = slow.run(sample_turn())
        state = sample_turn()
        third = slow.run(state)
    finally:
        slow.close()
    assert first.flags == ["llm_timeout", "fallback:extractive"]
    assert second.flags == ["llm_timeout", "breaker_opened", "fallback:extractive"]
    assert third.flags == ["breaker_open", "fallback:extractive"]
    assert third.detail["attempts"] == [{"provider": "local-breaker", "outcome": "breaker_open"}]
    assert state.answer.startswith("Refunds are issued within 5 business days")
    assert state.citations[0].chunk_id == "refunds-1"

    breaker = board.get("local-breaker", failure_threshold=2, cooldown_s=30)
    before = breaker.state
    clock.now += 31
    assert (before, breaker.state) == (BreakerState.OPEN, BreakerState.HALF_OPEN)
    patient = loopback_provider(
        "local-breaker", llama_server.base_url, failure_threshold=2, cooldown_s=30
    )
    probe = LlmGenerator(
        name="generate",
        providers=[patient],
        breakers=board,
        max_passages=1,
        max_tokens=96,
        deadline_s=120,
    )
    try:
        report = probe.run(sample_turn())
    finally:
        probe.close()
    assert "breaker_closed" in report.flags
    assert "fallback:extractive" not in report.flags
    assert breaker.state is BreakerState.CLOSED


def _read_killing_after_two(
    stream: ChatStream, server: LocalLlamaServer, received: list[str]
) -> None:
    for delta in stream:
        received.append(delta)
        if len(received) == 2:
            server.kill()


def test_server_killed_mid_stream_is_a_truncated_stream_then_fallback(
    qwen_path: Path, tmp_path: Path
) -> None:
    with LocalLlamaServer(qwen_path, n_ctx=1024, threads=1, log_path=tmp_path / "log") as server:
        config = loopback_provider("doomed", server.base_url, max_retries=1, backoff_s=0.01)
        provider = OpenAICompatibleProvider(config)
        generator = LlmGenerator(name="generate", providers=[config], stream=True)
        try:
            stream = provider.stream(COUNT_PROMPT, max_tokens=128)
            received: list[str] = []
            with pytest.raises(LlmTruncatedError):
                _read_killing_after_two(stream, server, received)
            assert len(received) >= 2
            assert stream.completion is None
            with pytest.raises(LlmTransportError):
                provider.complete(COUNT_PROMPT, max_tokens=8)
            state = sample_turn()
            report = generator.run(state)
        finally:
            provider.close()
            generator.close()
    assert report.flags == ["llm_transport", "fallback:extractive"]
    assert state.citations[0].chunk_id == "refunds-1"


def test_self_consistency_draws_samples_and_scales_evidence_by_agreement(
    local: ProviderConfig,
) -> None:
    single = LlmGenerator(
        name="generate", providers=[local], max_passages=1, max_tokens=160, deadline_s=120
    )
    voted = LlmGenerator(
        name="generate",
        providers=[local],
        max_passages=1,
        max_tokens=160,
        deadline_s=120,
        samples=3,
        sample_temperature=0.9,
    )
    one, three = sample_turn(), sample_turn()
    try:
        single.run(one)
        report = voted.run(three)
    finally:
        single.close()
        voted.close()
    detail = three.details["llm"]
    # A sample the model botches (truncated JSON at this temperature) ends sampling early
    # rather than failing the turn; at least one extra sample is drawn.
    assert detail["samples"] in {2, 3}
    assert report.detail["calls"] >= detail["samples"]
    agreeing = detail["agreement"] * detail["samples"]
    assert agreeing == pytest.approx(round(agreeing), abs=1e-3)
    assert agreeing >= 1
    # Same greedy first sample, same evidence, scaled by how many samples agreed.
    assert three.confidence == pytest.approx(one.confidence * detail["agreement"], abs=1e-3)
    assert report.scores["completion_tokens"] > one.details["llm"]["completion_tokens"]
