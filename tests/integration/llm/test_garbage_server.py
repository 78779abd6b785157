"""Against a loopback server that misbehaves on purpose: every failure ends in a retry
where that helps, then the next provider or the extractive answer, never an exception."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from frontdesk.llm.breaker import BreakerBoard, BreakerState
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import LlmProtocolError, LlmTruncatedError
from frontdesk.llm.provider import OpenAICompatibleProvider
from frontdesk.llm.testing import MisbehavingServer, loopback_provider
from frontdesk.pipeline.stages.llm_generator import LlmGenerator
from frontdesk.testing.turns import sample_turn

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture
def generators() -> Iterator[list[LlmGenerator]]:
    made: list[LlmGenerator] = []
    yield made
    for generator in made:
        generator.close()


def _generator(
    made: list[LlmGenerator], *providers: ProviderConfig, **options: object
) -> LlmGenerator:
    generator = LlmGenerator(name="generate", providers=list(providers), **options)
    made.append(generator)
    return generator


@pytest.mark.parametrize(
    ("mode", "flag", "requests"),
    [
        ("http500", "llm_http_error", 3),
        ("http429", "llm_http_error", 3),
        ("notjson", "llm_protocol", 3),
        ("http400", "llm_http_error", 1),
        ("badanswer", "llm_invalid_json", 2),
    ],
)
def test_garbage_is_retried_then_falls_back_to_extractive(
    garbage: MisbehavingServer, generators: list[LlmGenerator], mode: str, flag: str, requests: int
) -> None:
    generator = _generator(generators, garbage.provider(mode, max_retries=2))
    state = sample_turn()
    report = generator.run(state)
    assert garbage.hits[mode] == requests
    assert flag in report.flags
    assert "fallback:extractive" in report.flags
    assert report.detail["fallback"] == "extractive"
    assert state.answer.startswith("Refunds are issued within 5 business days")
    assert [c.chunk_id for c in state.citations] == ["refunds-1"]


def test_invalid_answers_do_not_open_the_breaker(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    generator = _generator(generators, garbage.provider("badanswer", failure_threshold=1))
    generator.run(sample_turn())
    assert generator.breaker(generator.providers[0]).state is BreakerState.CLOSED


def test_chain_moves_to_the_next_provider(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    generator = _generator(
        generators, garbage.provider("http500", max_retries=0), garbage.provider("ok")
    )
    state = sample_turn()
    report = generator.run(state)
    assert report.flags == ["llm_http_error", "fallback:garbage-ok"]
    assert state.answer == "Refunds take 5 business days [1]."
    assert state.details["llm"]["provider"] == "garbage-ok"
    assert state.confidence == pytest.approx(0.71)


def test_out_of_range_citations_are_dropped_and_renumbered(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    state = sample_turn()
    report = _generator(generators, garbage.provider("outofrange")).run(state)
    assert [(c.number, c.chunk_id) for c in state.citations] == [(1, "shipping-3")]
    assert state.answer == "Ships in 24 hours [1]; see also."
    assert "llm_citation_out_of_range" in report.flags
    assert report.detail["dropped_citations"] == [9]
    assert state.confidence == pytest.approx(0.32)


def test_only_max_passages_are_citable(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    state = sample_turn()
    _generator(generators, garbage.provider("outofrange"), max_passages=1).run(state)
    assert state.citations == []
    assert state.confidence == 0.0


def test_truncated_stream_falls_back(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    state = sample_turn()
    report = _generator(generators, garbage.provider("truncate", max_retries=0), stream=True).run(
        state
    )
    assert report.flags == ["llm_truncated", "fallback:extractive"]
    assert state.citations[0].chunk_id == "refunds-1"


def test_streamed_answer_from_a_well_behaved_stream(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    state = sample_turn()
    report = _generator(
        generators, garbage.provider("ok", prices={"prompt_per_1k": 1.0}), stream=True
    ).run(state)
    assert report.flags == []
    assert state.answer == "Refunds take 5 business days [1]."
    assert report.scores["cost"] == pytest.approx(0.1)


def test_provider_stream_errors(garbage: MisbehavingServer) -> None:
    for mode, error in (("badsse", LlmProtocolError), ("truncate", LlmTruncatedError)):
        provider = OpenAICompatibleProvider(garbage.provider(mode, max_retries=0))
        try:
            with pytest.raises(error):
                provider.stream(MESSAGES).text()
        finally:
            provider.close()


def test_read_timeout_is_not_retried(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    generator = _generator(generators, garbage.provider("hang", read_timeout_s=0.2, max_retries=2))
    report = generator.run(sample_turn())
    assert garbage.hits["hang"] == 1
    assert report.flags == ["llm_timeout", "fallback:extractive"]


def test_breaker_is_shared_across_generators_by_provider_name(
    garbage: MisbehavingServer, generators: list[LlmGenerator]
) -> None:
    board = BreakerBoard()
    config = garbage.provider("http500", max_retries=0, failure_threshold=1)
    first = _generator(generators, config, breakers=board)
    second = _generator(generators, config, breakers=board)
    assert "breaker_opened" in first.run(sample_turn()).flags
    assert second.run(sample_turn()).flags == ["breaker_open", "fallback:extractive"]
    assert garbage.hits["http500"] == 1


def test_tests_refuse_non_loopback_urls() -> None:
    with pytest.raises(ValueError, match="loopback"):
        loopback_provider("hosted", "https://api.openai.com/v1")
    with pytest.raises(ValueError, match="loopback"):
        loopback_provider("lan", "http://10.0.0.5:8080/v1")


def test_fallback_retries_and_breaker_are_logged_without_message_text(
    garbage: MisbehavingServer, generators: list[LlmGenerator], caplog: pytest.LogCaptureFixture
) -> None:
    failing = garbage.provider("http500", max_retries=1, backoff_s=0.0, failure_threshold=1)
    generator = _generator(generators, failing, garbage.provider("ok"))
    caplog.set_level(logging.INFO, logger="frontdesk.llm")
    generator.run(sample_turn("Where is my parcel 4711?"))
    lines = [record.getMessage() for record in caplog.records]
    assert (
        "llm provider garbage-http500: attempt 1 failed (llm_http_error 500); retrying in 0.00s"
        in lines
    )
    assert (
        "llm provider garbage-http500 failed (llm_http_error 500); trying garbage-ok next" in lines
    )
    assert any("garbage-http500: circuit breaker opened" in line for line in lines)
    assert "llm fallback: provider garbage-ok answered" in lines
    assert "4711" not in caplog.text
    assert "boom" not in caplog.text  # the provider's error body
