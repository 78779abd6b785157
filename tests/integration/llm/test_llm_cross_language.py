"""A model for the customers who write in another language than the help center: real
Qwen2.5-Coder-0.5B on llama.cpp, real multilingual-e5-small, the example release
``local-llm-multilingual.json`` (its 1.5B model swapped for the session's 0.5B server).

The model answers only when the passages are in another language than the reply; a
question in the help center's own language gets the extractive answer without a call.
Menu paths reach the model as placeholders and come back as the help center writes them.
With ``cross_language: translate`` the model translates the extractive answer instead.
Before the search, the question is translated into the help center's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from frontdesk.api.schemas import TurnPublic
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.testing import loopback_provider
from frontdesk.releases.config import ReleaseConfig
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

pytestmark = pytest.mark.slow

RELEASE = (
    Path(__file__).resolve().parents[3] / "examples" / "releases" / "local-llm-multilingual.json"
)
FAQ = """question,answer
How do I delete my account?,"Go to Settings > Account > Delete account. Your account is deleted after 30 days."
When is live chat open?,"Live chat is open every day from 07:00 to 22:00 CET."
How much does a Small parcel cost?,"A Small parcel (up to 2 kg) costs €4.49 with Standard delivery."
"""


def _release(server: LocalLlamaServer, **generator: object) -> ReleaseConfig:
    data = json.loads(RELEASE.read_text())
    local = loopback_provider("local", server.base_url, timeout_s=400)
    for stage in data["stages"]:
        if stage["type"] == "llm_generator":
            stage["params"].update(generator)
        if "providers" in stage["params"]:  # the generator and the question's translator
            stage["params"]["providers"] = [local.model_dump(mode="json")]
            stage["params"]["deadline_s"] = 400  # a busy two-core machine
    data["summarizer"] = None
    return ReleaseConfig.model_validate(data)


def _turns(settings: Settings, release: ReleaseConfig, tmp: Path, *texts: str) -> list[TurnPublic]:
    instance = Frontdesk(settings, release=release)
    instance.init()
    try:
        instance.warm_up()
        tenant = instance.tenants.create_tenant("acme")
        (tmp / "faq.csv").write_text(FAQ)
        instance.knowledge.ingest_paths(tenant.id, [tmp / "faq.csv"])
        turns = []
        for text in texts:
            conversation = instance.conversations.create(tenant.id)
            posted = instance.conversations.post_message(tenant.id, conversation.id, text)
            turns.append(TurnPublic.of(posted.turn))
        return turns
    finally:
        instance.close()


def test_the_model_answers_the_other_language_and_keeps_the_menu_path(
    settings: Settings, llama_server: LocalLlamaServer, tmp_path: Path
) -> None:
    english, french = _turns(
        settings,
        _release(llama_server),
        tmp_path,
        "How do I delete my account?",
        "Comment supprimer mon compte ?",
    )
    same = {stage.name: stage for stage in english.trace}["generate"]
    assert "llm_not_needed:same_language" in same.flags
    assert same.detail["provider"] is None  # no call: the extractive answer
    assert english.outcome == "answered"
    assert "Settings > Account > Delete account" in english.text

    other = {stage.name: stage for stage in french.trace}["generate"]
    assert other.detail["provider"] == "local", (other.flags, other.detail)
    assert other.detail["prompt_version"] == "answer-v7"
    assert french.outcome == "answered", (french.text, other.flags)
    # shown to the model as {menu1}; whatever it wrote around it, the path is the product's
    assert "Settings > Account > Delete account" in french.text, french.text
    assert "{menu" not in french.text
    assert french.reply_language == "fr"


def test_translate_mode_writes_the_extractive_answer_in_the_customers_language(
    settings: Settings, llama_server: LocalLlamaServer, tmp_path: Path
) -> None:
    (turn,) = _turns(
        settings,
        _release(llama_server, cross_language="translate"),
        tmp_path,
        "Wann ist der Live-Chat geöffnet?",
    )
    generate = {stage.name: stage for stage in turn.trace}["generate"]
    assert generate.detail["task"] == "translate", (generate.flags, generate.detail)
    assert turn.outcome == "answered", (turn.text, turn.trace)
    assert re.search(r"07[:.]00", turn.text)
    assert re.search(r"22[:.]00", turn.text)
    # a usable translation (the 0.5B at temperature 0 keeps both times): no English frame
    assert generate.detail["provider"] == "local", (generate.flags, turn.text)
    assert "Englisch" not in turn.text, turn.text
    assert "Live chat is open every day" not in turn.text
    assert "[1]" in turn.text


def test_a_question_in_another_language_is_searched_and_answered_in_english_sources(
    settings: Settings, llama_server: LocalLlamaServer, tmp_path: Path
) -> None:
    (turn,) = _turns(
        settings, _release(llama_server), tmp_path, "Wie viel kostet ein kleines Paket?"
    )
    stages = {stage.name: stage for stage in turn.trace}
    translate = stages["translate"]
    assert translate.detail["translated"] is True, (translate.flags, translate.detail)
    assert (translate.detail["from"], translate.detail["to"]) == ("de", "en")
    assert turn.language == "de"
    assert turn.reply_language == "de"
    assert turn.outcome == "answered", (turn.text, stages["generate"].flags)
    assert re.search(r"4[.,]49", turn.text), turn.text
