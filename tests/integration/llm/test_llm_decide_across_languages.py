"""The LLM path's decide stage weighs a model's answer by the output guard's grounding
check, not by the extractive sentence model's score it cannot have: a German question
answered in German from an English FAQ entry is served. Real Qwen2.5-Coder-0.5B on
llama.cpp, real multilingual-e5-small, the example release ``local-llm.json``; one turn
(the model writes 1-3 tokens/s on a busy two-core machine)."""

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

RELEASE = Path(__file__).resolve().parents[3] / "examples" / "releases" / "local-llm.json"
FAQ = """question,answer
How much does a Small parcel cost?,"A Small parcel (up to 2 kg, max. 60 x 30 x 15 cm) costs €4.49 with Standard delivery on the Basic plan. Plus members get 15% off and Business members 25% off."
How do I delete my account?,"Go to Settings > Account > Delete account. It is deleted after 30 days."
When is live chat open?,"Live chat is open every day from 07:00 to 22:00 CET."
"""
QUESTION = "Wie viel kostet ein kleines Paket innerhalb Deutschlands?"  # demo-143


def _release(server: LocalLlamaServer, **generator: object) -> ReleaseConfig:
    """The example release with its model served by the test's llama.cpp server (and
    ``generator`` params changed)."""
    data = json.loads(RELEASE.read_text())
    for stage in data["stages"]:
        if stage["type"] == "llm_generator":
            stage["params"].update(generator)
            local = loopback_provider("local", server.base_url, timeout_s=400)
            local = local.model_dump(mode="json")
            stage["params"]["providers"] = [local]
            stage["params"]["deadline_s"] = 400  # a busy two-core machine
    return ReleaseConfig.model_validate(data)


def test_a_grounded_german_answer_from_an_english_source_is_served(
    settings: Settings, llama_server: LocalLlamaServer, tmp_path: Path
) -> None:
    instance = Frontdesk(settings, release=_release(llama_server))
    instance.init()
    try:
        instance.warm_up()
        tenant = instance.tenants.create_tenant("acme")
        (tmp_path / "faq.csv").write_text(FAQ)
        instance.knowledge.ingest_paths(tenant.id, [tmp_path / "faq.csv"])
        conversation = instance.conversations.create(tenant.id)
        turn = TurnPublic.of(
            instance.conversations.post_message(tenant.id, conversation.id, QUESTION).turn
        )
    finally:
        instance.close()
    stages = {stage.name: stage for stage in turn.trace}
    if "decide" not in stages:
        # The output guard dropped the model's answer before decide saw it (a reworded
        # number, a capitalised word it could not find): what this test checks never ran.
        flags = {name: stage.flags for name, stage in stages.items() if stage.flags}
        pytest.xfail(f"no answer reached the decide stage: {turn.outcome} {flags}")
    generate, guard, decide = stages["generate"], stages["output_guard"], stages["decide"]
    assert generate.detail["provider"] == "local", (generate.flags, generate.detail)
    # The model's answer is weighed by what the guard found grounded (kept share x
    # support), not by the extractive mean the release was fitted around.
    support = guard.scores["support"]
    if guard.detail["dropped"]:
        assert decide.scores["answer_score"] < support, (guard.detail, decide.scores)
    else:
        assert decide.scores["answer_score"] == support, decide.scores
    assert turn.outcome == "answered", (turn.text, decide.scores, decide.flags)
    assert re.search(r"4[.,]49", turn.text)
    assert turn.language == "de"
