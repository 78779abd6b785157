"""Re-check a cached answer against a new question before it is served (a semantic hit).

The answer was right for the question it was given to; for a new question close in
meaning it is served only if the release's own checks still pass on the new question.
The check runs right after the release's retrieval stage, on the turn itself, so the
stages before it (small talk, context, needs-a-person, intent, retrieve) have run on the
new question as for any turn:

1. no near miss (:mod:`frontdesk.pipeline.near_miss`): negations, numbers, names and
   opposite actions agree;
2. nothing asks for a person, the intent route matches the cached one, and so does the
   intent, when the tenant's intent model named one for both;
3. the new question's top passage is the one the answer cites first (what the answer is
   about: a cached answer that leads with one neighbour and cites the other second
   must not answer a question whose own retrieval leads with the other), and every
   cited passage is among those it retrieved;
4. the decide stage scores the cached answer against the new question (evidence of the
   cited passages to it, how much of it the answer covers) at least ``SEMANTIC_MARGIN``
   above its threshold. The margin is what a semantic hit has to spare: the answer was
   written for another question, and on fine-grained neighbours ("why verify my
   identity" / "how do I verify my identity") a borderline score is where the wrong
   neighbour's answer lands (bench/cache_intents.py, tuned on banking77 *train*
   utterances the knowledge base does not hold).

What a hit skips is the generator, the output guards and the decide stage: the answer
and its sources are the ones they already checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from frontdesk.domain.conversation import Citation
from frontdesk.handoff.decide import HandoffDecider, wants_a_person
from frontdesk.pipeline.near_miss import mismatch
from frontdesk.pipeline.runner import Pipeline
from frontdesk.pipeline.stages.generate import evidence_of
from frontdesk.pipeline.stages.needs_person import needs_person
from frontdesk.pipeline.stages.retrieve import KnowledgeRetriever
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.text import analyze
from frontdesk.storage.repos.answer_cache import CachedAnswer

# Decide-stage probability a semantic hit needs above the release's own threshold.
SEMANTIC_MARGIN = 0.09


@dataclass(slots=True)
class Verdict:
    reason: str | None  # why the hit is rejected; None: serve it
    confidence: float = 0.0
    details: dict[str, object] = field(default_factory=dict)


def retrieval_stage(pipeline: Pipeline) -> str | None:
    """The name of the stage after which a semantic hit is checked: the release's one
    retrieval stage, when it also has a decide stage to score the answer with."""
    retrievers = [s for s in pipeline.answer_stages if isinstance(s, KnowledgeRetriever)]
    if len(retrievers) != 1 or _decider(pipeline) is None:
        return None
    return retrievers[0].name


def verify(pipeline: Pipeline, state: TurnState, cached: CachedAnswer) -> Verdict:
    """Whether ``cached`` may answer ``state``, a fresh turn just past retrieval."""
    titles = [str(c.get("title", "")) for c in cached.citations]
    reason = mismatch(cached.question, state.text, [cached.answer, *titles])
    if reason is not None:
        return Verdict(reason)
    decider = _decider(pipeline)
    if decider is None:
        return Verdict("release")
    if needs_person(state) is not None or wants_a_person(state.text):
        return Verdict("routed")
    if state.details.get("route", "answer") != cached.details.get("route", "answer"):
        return Verdict("route")
    intents = (state.details.get("intent"), cached.details.get("intent"))
    if None not in intents and intents[0] != intents[1]:
        return Verdict("intent")
    cited = {str(c.get("chunk_id")) for c in cached.citations}
    lead = str(cached.citations[0].get("chunk_id")) if cached.citations else None
    found = [p.chunk_id for p in state.passages]
    if not found or found[0] != lead or not cited <= set(found):
        return Verdict("retrieval")
    asked = set(analyze(state.text))
    coverage = round(len(asked & set(analyze(cached.answer))) / len(asked), 4) if asked else 0.0
    evidence = max(evidence_of(p) for p in state.passages if p.chunk_id in cited)
    scored = replace(
        state,
        answer=cached.answer,
        citations=[Citation(**c) for c in cached.citations],
        confidence=evidence,
        details={
            **state.details,
            "coverage": coverage,
            "support": cached.details.get("support", 1.0),
        },
        flags=list(state.flags),
    )
    confidence = round(decider.probability(decider.features(scored)), 4)
    details: dict[str, object] = {"evidence": round(evidence, 4), "coverage": coverage}
    if confidence < decider.threshold + SEMANTIC_MARGIN:
        return Verdict("confidence", confidence, details)
    return Verdict(None, confidence, details)


def _decider(pipeline: Pipeline) -> HandoffDecider | None:
    found = [s for s in pipeline.answer_stages if isinstance(s, HandoffDecider)]
    return found[0] if len(found) == 1 else None
