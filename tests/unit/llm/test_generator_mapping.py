"""How the generator turns the model's JSON into citations and markers, and its config."""

from __future__ import annotations

import pytest

from frontdesk.errors import ConfigurationError
from frontdesk.llm.config import Prices, ProviderConfig
from frontdesk.llm.provider import OpenAICompatibleProvider
from frontdesk.pipeline.stages.llm_answers import rewrite_markers
from frontdesk.pipeline.stages.llm_generator import LlmGenerator
from frontdesk.pipeline.state import TurnState


def test_markers_are_renumbered_and_unknown_ones_removed() -> None:
    assert rewrite_markers("A [2]. B [9]. C [2, 3].", {2: 1, 3: 2}) == "A [1]. B. C [1] [2]."


def test_cited_passages_without_a_marker_get_one_at_the_end() -> None:
    assert rewrite_markers("Refunds take five days.", {1: 1}) == "Refunds take five days. [1]"


def test_no_passages_means_the_extractive_no_evidence_answer() -> None:
    generator = LlmGenerator(
        name="generate", providers=[ProviderConfig(name="p", base_url="http://127.0.0.1:9/v1")]
    )
    state = TurnState(tenant_id="t", conversation_id="c", text="hello?")
    report = generator.run(state)
    assert "no_evidence" in report.flags
    assert state.confidence == 0.0
    assert report.detail["attempts"] == []


def test_from_params_round_trips() -> None:
    params = {
        "providers": [{"name": "local", "base_url": "http://127.0.0.1:8080/v1", "model": "qwen"}],
        "canary": "C-1",
        "max_passages": 1,
        "extractive": {"max_sentences": 2},
    }
    generator = LlmGenerator.from_params("generate", params)
    again = LlmGenerator.from_params("generate", generator.to_params())
    assert again.to_params() == generator.to_params()
    assert generator.extractive is not None
    assert generator.extractive.max_sentences == 2


@pytest.mark.parametrize(
    "params",
    [
        {"providers": [{"name": "p", "base_url": "ftp://x"}]},
        {"providers": [{"name": "p", "base_url": "http://x", "surprise": 1}]},
        {"providers": [], "prompt_version": "v99"},
        {"providers": [], "max_passages": 0},
    ],
)
def test_bad_params_are_refused(params: dict[str, object]) -> None:
    with pytest.raises((ValueError, ConfigurationError)):
        LlmGenerator.from_params("generate", params)


def test_api_key_is_a_reference_to_an_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    config = ProviderConfig(name="hosted", base_url="https://llm.example/v1", api_key_env="LLM_KEY")
    monkeypatch.delenv("LLM_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="LLM_KEY is not set"):
        OpenAICompatibleProvider(config)
    monkeypatch.setenv("LLM_KEY", "sk-secret-value")
    provider = OpenAICompatibleProvider(config)
    provider.close()
    assert "sk-secret-value" not in repr(config)
    assert "sk-secret-value" not in str(config.model_dump())
    with pytest.raises(ValueError, match="NAME of an environment variable"):
        ProviderConfig(name="h", base_url="https://x/v1", api_key_env="sk-live-abc.def")


def test_prices_per_thousand_tokens() -> None:
    assert Prices(prompt_per_1k=0.5, completion_per_1k=1.5).cost(2000, 1000) == pytest.approx(2.5)


def test_an_answer_with_a_number_or_placeholder_its_passages_lack_is_unanswered() -> None:
    """Asked for the support phone over a passage without one, the 1.5B wrote a number of
    its own: the generator then asks about the next passages (``retry_insufficient``)."""
    from frontdesk.llm.clients import ChainOutcome
    from frontdesk.llm.prompts import AnswerPayload
    from frontdesk.pipeline.state import Passage

    generator = LlmGenerator(
        name="generate",
        providers=[ProviderConfig(name="p", base_url="http://127.0.0.1:9/v1")],
        prompt_version="answer-v7",
    )
    passages = [
        Passage(chunk_id="c1", title="Phone", text="Call +49 30 5550 1420, 08:00-20:00.", score=1)
    ]

    def unanswered(answer: str, sufficient: bool = True) -> bool:
        payload = AnswerPayload(answer=answer, citations=[1], sufficient=sufficient)
        outcome = ChainOutcome((payload, [], (1.0, 1)), None)
        return generator._unanswered(outcome, passages)

    assert not unanswered("O número é {phone1}. [1]")
    assert not unanswered("O número é +49 30 5550 1420, das 08:00 às 20:00. [1]")
    assert unanswered("O número é 1-800-555-1234. [1]")  # made up
    assert unanswered("Vá a {menu1}. [1]")  # no menu in the passage
    assert unanswered("Não sei.", sufficient=False)
