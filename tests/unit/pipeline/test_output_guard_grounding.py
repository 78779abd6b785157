"""The output guard stage records how much of an LLM's answer it found grounded (the
decide stage's evidence for a model's answer); an extractive answer is left as it was."""

from __future__ import annotations

from typing import Any

from frontdesk.pipeline.stages.generate import citation_for
from frontdesk.pipeline.stages.guards import OutputGuardStage
from frontdesk.pipeline.stages.llm_answers import GROUNDED
from frontdesk.pipeline.state import Passage, TurnState

PRICE = Passage(
    chunk_id="faq-7",
    title="How much does a Small parcel cost?",
    score=0.6,
    text="A Small parcel (up to 2 kg) costs €4.49 with Standard delivery on the Basic plan.",
)


def _state(answer: str, **details: Any) -> TurnState:
    state = TurnState(
        tenant_id="t", conversation_id="c", text="How much is a small parcel?", passages=[PRICE]
    )
    state.answer = answer
    state.citations = [citation_for(1, PRICE)]
    state.details.update(details)
    return state


LLM = {"provider": "local", "sufficient": True}


def test_an_llm_answer_gets_its_grounded_share_and_an_extractive_one_none() -> None:
    stage = OutputGuardStage(name="output_guard")
    stage.warm_up()
    grounded = _state("A Small parcel costs €4.49 with Standard delivery. [1]", llm=LLM)
    stage.run(grounded)
    assert grounded.details[GROUNDED] == grounded.details["support"] == 1.0

    # Half the answer is an unsupported claim the guard drops: half is kept.
    half = _state(
        "A Small parcel costs €4.49 with Standard delivery. [1] "
        "Weekend couriers collect every parcel from your garden shed for free. [1]",
        llm=LLM,
    )
    stage.run(half)
    assert 0.0 < half.details[GROUNDED] <= 0.5
    assert "garden" not in half.answer

    extractive = _state("A Small parcel (up to 2 kg) costs €4.49 with Standard delivery. [1]")
    stage.run(extractive)
    assert GROUNDED not in extractive.details
    fallback = _state(
        "A Small parcel (up to 2 kg) costs €4.49. [1]",
        llm={"provider": None, "fallback": "extractive"},
    )
    stage.run(fallback)
    assert GROUNDED not in fallback.details


def test_an_llm_answer_with_nothing_found_in_its_sources_is_not_grounded() -> None:
    """A translated sentence is checked on its numbers only; one with no number and no
    word of the sources (an incomplete "go to the page") is no evidence."""
    account = Passage(
        chunk_id="faq-3",
        title="How do I delete my account?",
        score=0.6,
        text="Go to Settings > Account > Delete account. Your account is deleted after a "
        "30-day grace period, during which you can reactivate it by signing in.",
    )
    stage = OutputGuardStage(name="output_guard")
    state = TurnState(
        tenant_id="t",
        conversation_id="c",
        text="Comment puis-je supprimer mon compte ?",
        passages=[account],
    )
    state.answer = "Pour supprimer votre compte, vous devez aller à la page [1]"
    state.citations = [citation_for(1, account)]
    state.details["llm"] = LLM
    stage.run(state)
    assert state.outcome is None  # the guard let it through: the decide stage weighs it
    assert state.details[GROUNDED] == 0.0
