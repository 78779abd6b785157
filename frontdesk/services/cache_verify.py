"""Re-check a cached answer against a new question before it is served (a semantic hit).

The answer was right for the question it was given to; for a new question close in
meaning it is served only if the release's own checks still pass on the new question:

1. no near miss (:mod:`frontdesk.pipeline.near_miss`): negations, numbers, names and
   opposite actions agree;
2. the stages up to retrieval (small talk, context, needs-a-person, intent, retrieve) run
   on the new question: none may decide the turn otherwise, the intent route must match,
   and the new question's top passage must be one the answer cites, with every cited
   passage among those it retrieves;
3. the decide stage scores the cached answer against the new question (evidence of the
   cited passages to it, how much of it the answer covers) above its threshold.

Only the generator and the output guards are skipped: the answer and its sources are
the ones they already checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from frontdesk.domain.conversation import Citation, StageTrace
from frontdesk.handoff.decide import HandoffDecider, wants_a_person
from frontdesk.pipeline.near_miss import mismatch
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.stages.generate import evidence_of
from frontdesk.pipeline.stages.needs_person import needs_person
from frontdesk.pipeline.stages.retrieve import KnowledgeRetriever
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.text import analyze
from frontdesk.storage.repos.answer_cache import CachedAnswer


@dataclass(slots=True)
class Verdict:
    reason: str | None  # why the hit is rejected; None: serve it
    confidence: float = 0.0
    trace: list[StageTrace] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)


def verifiable(pipeline: Pipeline) -> bool:
    """Whether the release has the retrieval and decide stages a re-check needs."""
    return _retriever(pipeline) is not None and _decider(pipeline) is not None


def verify(pipeline: Pipeline, state: TurnState, cached: CachedAnswer) -> Verdict:
    """Whether ``cached`` may answer ``state`` (a fresh turn, language decided)."""
    titles = [str(c.get("title", "")) for c in cached.citations]
    reason = mismatch(cached.question, state.text, [cached.answer, *titles])
    if reason is not None:
        return Verdict(reason)
    retriever, decider = _retriever(pipeline), _decider(pipeline)
    if retriever is None or decider is None:
        return Verdict("release")
    probe = TurnState(
        tenant_id=state.tenant_id,
        conversation_id=state.conversation_id,
        text=state.text,
        tenant_languages=state.tenant_languages,
        language=state.language,
        reply_language=state.reply_language,
    )
    trace = pipeline.probe(probe, retriever)
    verdict = Verdict(None, trace=trace, details=_routing(probe))
    if probe.outcome is not None or needs_person(probe) is not None or wants_a_person(probe.text):
        verdict.reason = "routed"
    elif probe.details.get("route", "answer") != cached.details.get("route", "answer"):
        verdict.reason = "route"
    else:
        verdict.reason = _retrieval_check(probe, cached)
    if verdict.reason is not None:
        return verdict
    cited = {str(c["chunk_id"]) for c in cached.citations}
    probe.answer = cached.answer
    probe.citations = [Citation(**c) for c in cached.citations]
    probe.confidence = max(evidence_of(p) for p in probe.passages if p.chunk_id in cited)
    asked = set(analyze(probe.text))
    coverage = len(asked & set(analyze(cached.answer))) / len(asked) if asked else 0.0
    probe.details["coverage"] = round(coverage, 4)
    probe.details["support"] = cached.details.get("support", 1.0)
    verdict.details["evidence"] = round(probe.confidence, 4)
    verdict.details["coverage"] = probe.details["coverage"]
    verdict.confidence = round(decider.probability(decider.features(probe)), 4)
    if verdict.confidence < decider.threshold:
        verdict.reason = "confidence"
    return verdict


def _retrieval_check(probe: TurnState, cached: CachedAnswer) -> str | None:
    cited = {str(c.get("chunk_id")) for c in cached.citations}
    found = [p.chunk_id for p in probe.passages]
    if not found or found[0] not in cited or not cited <= set(found):
        return "retrieval"
    return None


def _routing(probe: TurnState) -> dict[str, object]:
    keys = ("route", "intent", "intent_confidence", "out_of_scope", "intent_model")
    return {k: probe.details[k] for k in keys if k in probe.details}


def _retriever(pipeline: Pipeline) -> KnowledgeRetriever | None:
    found = [s for s in pipeline.answer_stages if isinstance(s, KnowledgeRetriever)]
    return found[0] if len(found) == 1 else None


def _decider(pipeline: Pipeline) -> HandoffDecider | None:
    found = [s for s in pipeline.answer_stages if isinstance(s, HandoffDecider)]
    return found[0] if len(found) == 1 else None
