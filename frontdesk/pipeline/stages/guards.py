"""Guard stages: screen what comes in, check what goes out.

The input guard is a *screening* stage: it runs before the customer's message is stored,
so only the redacted text is ever persisted or shown to a model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from frontdesk.domain.conversation import Outcome
from frontdesk.domain.replies import HANDOFF_ANSWER, NO_EVIDENCE_ANSWER, REFUSAL
from frontdesk.guards import (
    CitedPassage,
    GuardAction,
    GuardPolicy,
    InputGuards,
    OutputCheckInput,
    OutputGuards,
)
from frontdesk.guards.output.text import content_stems, numbers, split_sentences
from frontdesk.guards.pii.listed_names import ListedNames
from frontdesk.guards.types import OutputGuardResult
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.stages.llm_answers import GROUNDED, written_by_llm
from frontdesk.pipeline.state import TurnState


@dataclass
class InputGuardStage:
    """Redacts PII and applies the policy's actions. ``refuse_injection_above`` refuses
    near-certain injections even when the policy only flags: with the extractive default
    there is no model to hijack, so borderline scores (where honest questions also land,
    e.g. about password reset links) are recorded rather than refused."""

    name: str
    guards: InputGuards = field(default_factory=InputGuards)
    refuse_injection_above: float = 0.9
    # The tenant's listed person names (its customers' own, learned from their tickets,
    # and any it added): ``tenant_names(tenant_id)``; none when unset.
    tenant_names: Callable[[str], Iterable[str]] | None = None
    screens_input = True

    def warm_up(self) -> None:
        self.guards.warm_up()

    def names_of(self, tenant_id: str) -> ListedNames | None:
        """The tenant's listed names, compiled for :meth:`InputGuards.check`."""
        if self.tenant_names is None:
            return None
        return self.guards.listed_names(self.tenant_names(tenant_id))

    def run(self, state: TurnState) -> StageReport:
        names = self.names_of(state.tenant_id)
        result = self.guards.check(state.text, state.language, names)
        state.text = result.redacted_text
        state.details["pii_labels"] = sorted({span.label for span in result.pii})
        state.details["language"] = result.language.language if result.language else None
        scores = {"pii_spans": float(len(result.pii))}
        if result.injection is not None:
            scores["injection_score"] = round(result.injection.score, 4)
        if result.abuse is not None:
            scores["abuse_score"] = round(result.abuse.score, 4)
        certain = result.injection is not None and (
            result.injection.score >= self.refuse_injection_above
        )
        if result.action is GuardAction.HANDOFF and not certain:
            state.answer, state.citations = HANDOFF_ANSWER, []
            state.outcome = Outcome.HANDOFF
            state.escalation_reason = "safety"
            state.details["priority"] = "urgent"
        elif certain or result.action is GuardAction.REFUSE:
            state.answer, state.citations = REFUSAL, []
            state.outcome = Outcome.REFUSED
            state.escalation_reason = "safety"
        return StageReport(
            scores=scores,
            flags=list(result.flags),
            detail={
                "action": result.action.value,
                "language": state.details["language"],
                "pii": state.details["pii_labels"],
            },
        )

    def chunk_is_injected(self, text: str) -> bool:
        """For ingestion: does a knowledge chunk carry instructions aimed at the model?"""
        return self.guards.check_chunk(text).detected


@dataclass
class OutputGuardStage:
    """Checks the answer against what it cites, the customer's own messages and the
    tenant's contact allow-list (``contact_allowlist(tenant_id)``, empty when unset)."""

    name: str
    policy: GuardPolicy = field(default_factory=GuardPolicy)
    contact_allowlist: Callable[[str], tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        self.guards = OutputGuards(self.policy)

    def warm_up(self) -> None:
        self.guards.warm_up()

    def run(self, state: TurnState) -> StageReport:
        if not state.citations:
            return StageReport(detail={"checked": False})
        passages = {p.chunk_id: p for p in state.passages}
        customer = [t.text for t in state.history if t.speaker == "customer"]
        allowlist = self.contact_allowlist(state.tenant_id) if self.contact_allowlist else ()
        result = self.guards.check(
            OutputCheckInput(
                answer=state.answer,
                cited=tuple(
                    CitedPassage(
                        c.chunk_id,
                        passages[c.chunk_id].text,
                        c.number,
                        passages[c.chunk_id].url,
                        "ticket" if "ticket" in passages[c.chunk_id].metadata else "article",
                    )
                    for c in state.citations
                    if c.chunk_id in passages
                ),
                retrieved_ids=frozenset(passages),
                canary=self.policy.canary,
                customer_text="\n".join([*customer, state.text]),
                contact_allowlist=allowlist,
                reply_language=state.reply_language,
            )
        )
        flags = sorted({finding.flag for finding in result.findings})
        if result.action in (GuardAction.REFUSE, GuardAction.HANDOFF) or not result.answer.strip():
            state.answer, state.citations = NO_EVIDENCE_ANSWER, []
            state.outcome = Outcome.NO_ANSWER
            state.escalation_reason = "policy"
        else:
            if written_by_llm(state):
                sources = " ".join(
                    passages[c.chunk_id].text for c in state.citations if c.chunk_id in passages
                )
                state.details[GROUNDED] = _grounded(state.answer, result, sources)
            state.answer = result.answer
            state.citations = [c for c in state.citations if f"[{c.number}]" in result.answer]
            state.details["support"] = round(result.support_score, 4)
        return StageReport(
            scores={"support": round(result.support_score, 4)},
            flags=flags,
            detail={
                "action": result.action.value,
                "dropped": list(result.dropped_sentences),
                # Which check fired where; the offending values stay out of the trace.
                "findings": [
                    {"check": f.check, "flag": f.flag, "sentence": f.sentence}
                    for f in result.findings
                ],
            },
        )


def _grounded(answer: str, result: OutputGuardResult, sources: str) -> float:
    """The share of a model's answer the guard let through (sentences not dropped) times
    its support (content words found in the sources). A sentence translated from its
    sources is checked on its numbers only and counts as supported, so an answer of which
    nothing (no number, no word) could be found in the sources gets 0: "vous devez aller à
    la page [1]" is not evidence. The extractive generator quotes its sources, so this is
    only measured for an LLM's answers."""
    sentences = len(split_sentences(answer))
    if not sentences:
        return 0.0
    kept_text = result.answer
    checked = {v for _, v in numbers(kept_text)} & {v for _, v in numbers(sources)} or (
        content_stems(kept_text) & content_stems(sources)
    )
    if not checked:
        return 0.0
    kept = 1.0 - len(result.dropped_sentences) / sentences
    return round(max(0.0, kept) * result.support_score, 4)
