"""The ``llm_query_translator`` context stage: a question in another language than the
help center's is translated into it before the search; one in the help center's language
never reaches the model, and a failed translation leaves the turn as it was."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import MisbehavingServer, closed_port, loopback_provider
from frontdesk.pipeline.stages.llm_query_translation import LlmQueryTranslator
from frontdesk.pipeline.state import TurnState


@pytest.fixture
def translators() -> Iterator[Callable[[list[dict[str, Any]]], LlmQueryTranslator]]:
    """Builds stages over the given providers (no database: the stage reads none)."""
    made: list[LlmQueryTranslator] = []

    def build(providers: list[dict[str, Any]]) -> LlmQueryTranslator:
        params = {"providers": providers, "deadline_s": 120.0}
        made.append(LlmQueryTranslator.from_params("translate", params, breakers=BreakerBoard()))
        return made[-1]

    yield build
    for stage in made:
        stage.close()


def _turn(text: str, language: str, **fields: Any) -> TurnState:
    state = TurnState(tenant_id="t", conversation_id="c", text=text, language=language, **fields)
    state.query = text
    return state


@pytest.mark.slow
def test_a_german_question_is_searched_in_english(
    llama_server: LocalLlamaServer, translators
) -> None:
    local = loopback_provider("local", llama_server.base_url).model_dump()
    state = _turn("Wie lange kann ich ein gekauftes Versandlabel benutzen?", "de")
    report = translators([local]).run(state)
    assert report.detail["translated"] is True, report.flags
    assert (report.detail["from"], report.detail["to"]) == ("de", "en")
    assert "label" in state.question.lower()
    assert "versandlabel" not in state.question.lower()
    assert state.query == state.question
    assert state.search_language == "en"
    assert state.language == "de"  # the customer's language, and so the reply's, is kept
    # a model answering in the customer's language is shown their own question
    assert state.customer_question == "Wie lange kann ich ein gekauftes Versandlabel benutzen?"
    assert report.scores["completion_tokens"] > 0


def test_a_question_in_the_help_centers_language_never_reaches_the_model(
    garbage: MisbehavingServer, translators
) -> None:
    stage = translators([garbage.provider("ok").model_dump()])
    english = _turn("how long is a shipping label valid?", "en")
    # a tenant whose help center is written in German: German questions stay as they are
    german = _turn("Wie lange ist ein Versandlabel gültig?", "de", tenant_languages=("de", "en"))
    for state in (english, german):
        assert stage.run(state).detail == {"translated": False}
        assert state.question == ""
        assert state.question_language is None
    assert sum(garbage.hits.values()) == 0


@pytest.mark.slow
def test_a_follow_up_keeps_its_earlier_turns_after_the_translation(
    llama_server: LocalLlamaServer, translators
) -> None:
    local = loopback_provider("local", llama_server.base_url).model_dump()
    state = _turn("und nach Frankreich?", "de")
    state.query = "und nach Frankreich?\nWas kostet ein Paket nach Spanien"
    report = translators([local]).run(state)
    assert report.detail["translated"] is True, report.flags
    assert state.query.split("\n") == [state.question, "Was kostet ein Paket nach Spanien"]


@pytest.mark.parametrize("mode", ["dead", "badanswer"])
def test_a_failed_translation_leaves_the_turn_as_it_was(
    garbage: MisbehavingServer, translators, mode: str
) -> None:
    if mode == "dead":
        url = f"http://127.0.0.1:{closed_port()}/v1"
        provider = loopback_provider("dead", url, max_retries=0).model_dump()
    else:  # "Sure! Refunds take five days.": the "2" of "2 kg" is lost
        provider = garbage.provider(mode).model_dump()
    state = _turn("Was kostet ein Paket von 2 kg nach Spanien?", "de")
    report = translators([provider]).run(state)
    assert "translate_failed" in report.flags
    assert report.detail["translated"] is False
    assert state.query == state.text
    assert state.question == ""
    assert state.translated_from == ""
    assert state.search_language == "de"
