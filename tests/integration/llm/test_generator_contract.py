"""Every built-in generator keeps the generate-stage contract
(``frontdesk.testing.contracts.check_generator``), whatever its provider does."""

from __future__ import annotations

import pytest

from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import MisbehavingServer, closed_port, loopback_provider
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.stages.llm_generator import LlmGenerator
from frontdesk.testing.contracts import check_generator


def test_the_extractive_generator_keeps_the_contract() -> None:
    grounded, _empty, _unrelated = check_generator(ExtractiveGenerator(name="generate"))
    assert grounded.citations


def test_the_llm_generator_with_the_local_model_keeps_the_contract(
    llama_server: LocalLlamaServer,
) -> None:
    provider = loopback_provider("local", llama_server.base_url)
    generator = LlmGenerator(name="generate", providers=[provider], deadline_s=120)
    try:
        grounded, _empty, _unrelated = check_generator(generator)
    finally:
        generator.close()
    assert grounded.details["llm"]["provider"] == "local"


@pytest.mark.parametrize("mode", ["http500", "notjson", "badanswer", "outofrange", "truncate"])
def test_the_llm_generator_keeps_the_contract_when_its_provider_misbehaves(
    garbage: MisbehavingServer, mode: str
) -> None:
    generator = LlmGenerator(
        name="generate", providers=[garbage.provider(mode, max_retries=0)], stream=True
    )
    try:
        check_generator(generator)
    finally:
        generator.close()


def test_the_llm_generator_keeps_the_contract_with_a_dead_provider() -> None:
    dead = loopback_provider("dead", f"http://127.0.0.1:{closed_port()}/v1", max_retries=0)
    generator = LlmGenerator(name="generate", providers=[dead])
    try:
        turns = check_generator(generator)
    finally:
        generator.close()
    assert all("llm" not in t.details or t.details["llm"]["provider"] is None for t in turns)
