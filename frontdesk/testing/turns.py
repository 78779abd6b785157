"""Pipeline inputs for tests: a sample grounded turn and the default release with an LLM
generator, shipped so a plugin's tests can use the same ones."""

from __future__ import annotations

from typing import Any

from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.releases.config import ReleaseConfig, default_release


def sample_turn(text: str = "How long do refunds take?") -> TurnState:
    return TurnState(
        tenant_id="t1",
        conversation_id="c1",
        text=text,
        query=text,
        passages=[
            Passage(
                chunk_id="refunds-1",
                title="Refunds",
                text=(
                    "Refunds are issued within 5 business days to the original payment "
                    "method. Store credit is available instantly."
                ),
                score=0.82,
                metadata={"dense": 0.71, "document_id": "kb-12"},
            ),
            Passage(
                chunk_id="shipping-3",
                title="Shipping",
                text="Orders ship within 24 hours from our warehouse in Leeds.",
                score=0.41,
                metadata={"dense": 0.32},
            ),
        ],
    )


def llm_release(
    providers: list[dict[str, Any]],
    *,
    release_id: str = "llm",
    rules: list[dict[str, Any]] | None = None,
    decide_threshold: float | None = None,
    **generate: Any,
) -> ReleaseConfig:
    """The default release with its ``generate`` stage replaced by an ``llm_generator``
    over ``providers``; ``rules`` become output-guard business rules, and
    ``decide_threshold`` lowers the bar where a test is about generation, not deciding."""
    data = default_release().model_dump()
    for stage in data["stages"]:
        if stage["name"] == "generate":
            stage["type"] = "llm_generator"
            stage["params"] = {"providers": providers, **generate}
        elif stage["name"] == "output_guard" and rules:
            stage["params"] = {**stage["params"], "rules": rules}
        elif stage["name"] == "decide" and decide_threshold is not None:
            stage["params"] = {**stage["params"], "threshold": decide_threshold}
    return ReleaseConfig.model_validate({**data, "id": release_id, "version": 1})
