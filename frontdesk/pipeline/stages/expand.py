"""Retrieve with LLM query expansion: HyDE or multi-query, fused by reciprocal rank.

Release type ``llm_expanded_retriever``; params::

    {"mode": "hyde" | "multi_query", "providers": [<provider dicts, as for llm_generator>],
     "queries": 3, "top_k": 5, "hybrid": {<as for knowledge_retriever>},
     "max_tokens": 96, "deadline_s": 10.0,
     "original_weight": 1.25, "rrf_k": 60.0, "depth": null}

``hyde``: the model writes a short hypothetical help-center passage answering the
standalone query; the knowledge is searched with the query and with the passage.
``multi_query``: the model writes up to ``queries`` rephrasings or sub-questions (a
multi-hop question is decomposed); one search per query. The ``depth`` best of each
search (default ``max(10, 2 * top_k)``: deeper lists let mid-ranked consensus outvote a
clear first place) are fused with RRF, the original query weighted ``original_weight`` (at least 1,
so it never counts less than an expansion) and each expansion 1.

Scores stay those of the original query, so the decide stage keeps its calibration: a
passage only an expansion found gets the lowest score the original search gave and no
dense similarity (its similarity to a made-up passage says nothing about the question).
``metadata`` records ``rrf`` and ``found_by`` (``query``, ``hyde``, ``q1``…).

When the model fails (every provider down, breakers open, an unusable reply) the stage
behaves exactly like ``knowledge_retriever`` and flags ``expansion_failed`` with the LLM
flags. The trace detail holds the generated passage or queries, tokens, cost and
``llm_ms``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from frontdesk.llm.assist import Assisted, LlmAssistant
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.pipeline.protocols import KnowledgeBase, StageReport
from frontdesk.pipeline.stages.evidence import TICKET_HEADROOM, separate
from frontdesk.pipeline.stages.retrieve import KnowledgeRetriever
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.retrieval.fusion import ranked, rrf

Mode = Literal["hyde", "multi_query"]
MODES: tuple[Mode, ...] = ("hyde", "multi_query")


@dataclass
class LlmExpandedRetriever(KnowledgeRetriever):
    """A :class:`KnowledgeRetriever` that also searches for what an LLM wrote."""

    assistant: LlmAssistant = field(kw_only=True)
    mode: Mode = "hyde"
    queries: int = 3
    original_weight: float = 1.25
    rrf_k: float = 60.0
    depth: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")
        if not 1 <= self.queries <= 10:
            raise ValueError("queries must be between 1 and 10")
        if self.original_weight < 1.0:
            raise ValueError("original_weight must be at least 1 (an expansion weighs 1)")
        if self.depth is None:
            self.depth = max(10, 2 * self.top_k)
        if self.depth < self.top_k:
            raise ValueError("depth must be at least top_k")

    @classmethod
    def from_params(
        cls,
        name: str,
        params: dict[str, Any],
        *,
        knowledge: KnowledgeBase,
        breakers: BreakerBoard,
        local_models: LocalModelPool | None = None,
    ) -> LlmExpandedRetriever:
        values = dict(params)
        assistant = LlmAssistant.from_params(values, breakers=breakers, local_models=local_models)
        return cls(name=name, knowledge=knowledge, assistant=assistant, **values)

    def warm_up(self) -> None:
        super().warm_up()
        self.assistant.warm_up()

    def close(self) -> None:
        self.assistant.close()

    def run(self, state: TurnState) -> StageReport:
        query = state.query or state.text
        depth = self.depth or self.top_k
        found = self.knowledge.search(state.tenant_id, query, depth + TICKET_HEADROOM)
        if not separate(found, depth).served:  # nothing servable: no call to make
            return self.report(state, found)
        if state.llm_budget_exhausted:  # the plain search, as if expansion had failed
            report = self.report(state, found)
            return StageReport(
                report.scores, [*report.flags, "llm_budget_exhausted"], report.detail
            )
        assisted, expansions, labels = self._expand(query)
        if assisted.value is None:  # the plain search already ran: keep its top_k
            report = self.report(state, found)
            return StageReport(
                scores={**report.scores, **assisted.scores(), "expansions": 0.0},
                flags=[*report.flags, *assisted.flags, "expansion_failed"],
                detail={**report.detail, "mode": self.mode, **assisted.record()},
            )
        evidence = separate(found, depth)
        original = evidence.served
        lists = [original]
        for expansion in expansions:  # tickets are evidence, never passages (see evidence.py)
            hits = self.knowledge.search(state.tenant_id, expansion, depth + TICKET_HEADROOM)
            lists.append(separate(hits, depth).served)
        passages = fuse(
            lists,
            ["query", *labels],
            top_k=self.top_k,
            original_weight=self.original_weight,
            rrf_k=self.rrf_k,
        )
        state.passages = passages
        state.details["ticket_support"] = round(evidence.ticket_support, 4)
        before = {p.chunk_id for p in original[: self.top_k]}
        generated: dict[str, Any] = (
            {"passage": expansions[0]} if self.mode == "hyde" else {"queries": expansions}
        )
        return StageReport(
            scores={
                "passages": float(len(passages)),
                "top_score": passages[0].score,
                "expansions": float(len(expansions)),
                "new_passages": float(sum(p.chunk_id not in before for p in passages)),
                "ticket_support": round(evidence.ticket_support, 4),
                **assisted.scores(),
            },
            flags=assisted.flags,
            detail={
                "chunk_ids": [p.chunk_id for p in passages],
                "query_chunk_ids": [p.chunk_id for p in original[: self.top_k]],
                "mode": self.mode,
                **generated,
                **assisted.record(),
            },
        )

    def _expand(self, query: str) -> tuple[Assisted[Any], list[str], list[str]]:
        if self.mode == "hyde":
            passage = self.assistant.hypothetical_passage(query)
            return passage, [] if passage.value is None else [passage.value], ["hyde"]
        alternatives = self.assistant.alternative_queries(query, self.queries)
        found = alternatives.value or []
        return alternatives, found, [f"q{n}" for n in range(1, len(found) + 1)]


def fuse(
    lists: Sequence[Sequence[Passage]],
    labels: Sequence[str],
    *,
    top_k: int,
    original_weight: float = 1.25,
    rrf_k: float = 60.0,
) -> list[Passage]:
    """RRF over ``lists`` (the first is the original query's, weighted
    ``original_weight``); the ``top_k`` best, with the original query's scores (see the
    module docstring)."""
    if not lists or not lists[0]:
        return []
    original = {p.chunk_id: p for p in lists[0]}
    floor = min(p.score for p in lists[0])
    weights = [original_weight, *([1.0] * (len(lists) - 1))]
    fused = rrf([[p.chunk_id for p in ranking] for ranking in lists], k=rrf_k, weights=weights)
    found_by: dict[str, list[str]] = {}
    first_seen: dict[str, Passage] = {}
    for label, ranking in zip(labels, lists, strict=True):
        for passage in ranking:
            found_by.setdefault(passage.chunk_id, []).append(label)
            first_seen.setdefault(passage.chunk_id, passage)
    passages = []
    for chunk_id, score in ranked(fused)[:top_k]:
        extra = {"rrf": round(score, 6), "found_by": found_by[chunk_id]}
        if chunk_id in original:
            base = original[chunk_id]
            passages.append(replace(base, metadata={**base.metadata, **extra}))
        else:
            base = first_seen[chunk_id]
            metadata = {**base.metadata, "dense": None, "dense_title": None, **extra}
            passages.append(replace(base, score=floor, metadata=metadata))
    return passages
