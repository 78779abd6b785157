"""Generate: the extractive grounded answer (no LLM).

Every sentence of the reply is copied from a retrieved passage and cited, so the answer
can be wrong only by choosing the wrong evidence, never by inventing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.domain.conversation import Citation
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.pipeline.text import content_words, sentences

NO_KNOWLEDGE_ANSWER = (
    "I don't have any help-center knowledge to answer from yet, so I can't answer this "
    "reliably. A person from our team can help."
)
NO_EVIDENCE_ANSWER = (
    "I couldn't find this in our help center, so I'd rather not guess. "
    "A person from our team can help."
)


@dataclass
class ExtractiveGenerator:
    name: str
    max_sentences: int = 3
    max_passages: int = 2

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        query_terms = set(content_words(state.query or state.text))
        if not state.passages:
            state.answer = (
                NO_KNOWLEDGE_ANSWER
                if "retrieve:no_knowledge" in state.flags
                else NO_EVIDENCE_ANSWER
            )
            state.confidence = 0.0
            return StageReport(scores={"coverage": 0.0}, flags=["no_evidence"])

        chosen: list[tuple[int, str]] = []  # (passage index, sentence)
        for index, passage in enumerate(state.passages[: self.max_passages]):
            for sentence in _best_sentences(passage, query_terms, self.max_sentences):
                if len(chosen) < self.max_sentences:
                    chosen.append((index, sentence))
        cited = sorted({index for index, _ in chosen})
        numbers = {index: n + 1 for n, index in enumerate(cited)}
        state.answer = " ".join(f"{s} [{numbers[i]}]" for i, s in chosen)
        state.citations = [
            Citation(
                number=numbers[i],
                chunk_id=state.passages[i].chunk_id,
                title=state.passages[i].title,
                url=state.passages[i].url,
            )
            for i in cited
        ]
        answer_terms = set(content_words(" ".join(s for _, s in chosen)))
        coverage = len(query_terms & answer_terms) / len(query_terms) if query_terms else 0.0
        state.confidence = coverage
        return StageReport(
            scores={"coverage": round(coverage, 4), "sentences": float(len(chosen))},
        )


def _best_sentences(passage: Passage, query_terms: set[str], limit: int) -> list[str]:
    """A FAQ entry's answer as a whole; otherwise the passage's most on-topic sentences,
    kept in their original order so the reply reads naturally."""
    answer = passage.metadata.get("answer")
    if isinstance(answer, str) and answer.strip():
        return [answer.strip()]
    candidates = sentences(passage.text)
    scored = sorted(
        range(len(candidates)),
        key=lambda i: -len(query_terms & set(content_words(candidates[i]))),
    )
    keep = sorted(i for i in scored[:limit] if query_terms & set(content_words(candidates[i])))
    return [candidates[i] for i in keep] or candidates[:1]
