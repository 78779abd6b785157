"""Generate: the extractive grounded answer (no LLM).

Every sentence of the reply is copied from a retrieved passage and cited, so the answer
can be wrong only by choosing the wrong evidence, never by inventing it. The top passage
answers; the next one is added only when it covers query terms the first did not.
``confidence`` is the semantic similarity of the cited evidence to the question.

Sentences are chosen by the question's words they share and, with ``semantic_weight``
and an embedder, by their meaning too: "how much credit do I have left" finds "See your
balance in Settings > Billing" although no content word matches. With ``shape_bonus`` a
sentence that states the kind of fact the question asks for (an amount, a time, a menu
path, a number: :mod:`answer_shape`) is preferred, and with ``shape_lookahead`` a passage
holding such a fact answers first when the top passage holds none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from frontdesk.domain.conversation import Citation
from frontdesk.domain.replies import NO_EVIDENCE_ANSWER, NO_KNOWLEDGE_ANSWER
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.stages.answer_order import (
    OrderOptions,
    answer_order,
    passage_vocabulary,
)
from frontdesk.pipeline.stages.answer_shape import answer_shape
from frontdesk.pipeline.stages.category_hop import (
    CATEGORY_MEMBER,
)
from frontdesk.pipeline.stages.premise import lacking
from frontdesk.pipeline.stages.sentence_choice import best_sentences
from frontdesk.pipeline.stages.sentence_rank import SentenceModel, Similarity, sentence_candidates
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.retrieval.compounds import joined_text
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.text import analyze

_CACHE_LIMIT = 50_000  # sentence vectors kept: the same help-center sentences recur


@dataclass
class ExtractiveGenerator:
    name: str
    max_sentences: int = 3
    max_passages: int = 2
    semantic_weight: float = 0.0  # weight of question-sentence cosine in sentence choice
    min_similarity: float = 0.35  # a sentence sharing no word is kept only above this cosine
    shape_bonus: float = 0.0  # added to a sentence stating the kind of fact asked for
    shape_lookahead: int = 0  # later passages that may answer first when they state it
    # taken from a sentence announcing a list ("the methods below") the passage lacks
    dangling_penalty: float = 0.0
    # False: the second passage always adds its best sentences (up to ``max_sentences``),
    # not only when it covers question words the first did not.
    require_new_terms: bool = True
    # A fitted :class:`SentenceModel` (``{"weights": …, "bias": …}``): sentences of the top
    # ``rank_depth`` passages are chosen by it instead of by the rules above; a sentence
    # after the best is kept when its probability is at least ``follow_ratio`` of the best's.
    # With ``model_chooses`` false the rules choose and the model only scores the reply.
    sentence_model: dict[str, object] | None = None
    rank_depth: int = 5
    follow_ratio: float = 0.0
    model_chooses: bool = True
    # A question naming a weight or length ("a 4 kg box"): the table row covering it
    # gains this, the passage's other rows with such a bound lose it, and a passage whose
    # first sentence sets a bound the quantity breaks ("up to 2 kg") answers last.
    quantity_fit: float = 0.0
    # A later passage whose evidence is this far below the answering one's adds nothing
    # ("how much is the Plus plan": the Business plan's price is another question).
    follow_gap: float | None = None
    # A question saying what the customer lacks ("i never saved the backup codes"): a
    # passage with a sentence for that case answers first, and sentences that assume the
    # lacked thing lose this much (those for the case gain it); 0 turns it off.
    premise_weight: float = 0.0
    # "do you pick up on saturdays": when the top passage lacks one of the question's words
    # the knowledge base rarely uses ("pickup"), the first of the next ``rare_lookahead``
    # passages that holds every one answers first; 0 turns it off.
    rare_lookahead: int = 0
    rare_min: float = 0.3  # how rare the lacked word must be (relative IDF, 1.0 = rarest)
    # "how do I ...": among the passages that state a place in the product, one giving
    # numbered steps answers first (1: only when the top passage states none; 2: also
    # over a top passage that states one in prose); 0 turns it off.
    prefer_steps: int = 0
    embedder: Embedder | None = field(default=None, repr=False)
    _vectors: dict[str, npt.NDArray[np.float32]] = field(
        default_factory=dict, init=False, repr=False
    )
    _model: SentenceModel | None = field(default=None, init=False, repr=False)
    _order_options: OrderOptions = field(default_factory=OrderOptions, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.sentence_model is not None:
            self._model = SentenceModel.from_params(self.sentence_model)
        self._order_options = OrderOptions(
            quantity_fit=bool(self.quantity_fit),
            shape_lookahead=self.shape_lookahead,
            rare_lookahead=self.rare_lookahead,
            rare_min=self.rare_min,
            prefer_steps=self.prefer_steps,
        )

    def _similarity(self, question: str) -> Similarity | None:
        """Cosine of each sentence to ``question``; sentence vectors are cached."""
        embedder = self.embedder
        if embedder is None or self.semantic_weight <= 0:
            return None
        asked = embedder.embed([question])[0]

        def similarity(sentences: list[str]) -> list[float]:
            missing = list(dict.fromkeys(t for t in sentences if t not in self._vectors))
            if missing:
                if len(self._vectors) > _CACHE_LIMIT:
                    self._vectors.clear()
                for text, vector in zip(missing, embedder.embed(missing), strict=True):
                    self._vectors[text] = vector
            return [float(np.dot(self._vectors[t], asked)) for t in sentences]

        return similarity

    def warm_up(self) -> None:
        return None

    def run(self, state: TurnState) -> StageReport:
        # The message's own words choose sentences; earlier turns (in the condensed query)
        # only break ties, so a follow-up is answered, not the question before it.
        # Words written apart that the passages write as one ("pick up": "pickup") count
        # as the passages' word.
        query_terms = set(analyze(joined_text(state.asked, passage_vocabulary(state.passages))))
        context_terms = set(analyze(state.query)) - query_terms
        if not state.passages:
            no_knowledge = "retrieve:no_knowledge" in state.flags
            state.answer = NO_KNOWLEDGE_ANSWER if no_knowledge else NO_EVIDENCE_ANSWER
            state.confidence = 0.0
            return StageReport(scores={"coverage": 0.0, "evidence": 0.0}, flags=["no_evidence"])

        similarity = self._similarity(state.query or state.asked)
        shape = answer_shape(state.asked)
        chosen: list[tuple[int, str]] = []
        if self._model is not None:
            ranked, probability = self._ranked(
                self._model, state, query_terms, context_terms, similarity
            )
            if self.model_chooses:
                chosen = [(index, text) for index, text, _ in ranked]
            else:
                chosen = self._by_rules(state, query_terms, context_terms, similarity)
            scored = {(index, text): p for index, text, p in probability}
            state.details["answer_score"] = round(
                max((scored.get(pair, 0.0) for pair in chosen), default=0.0), 4
            )
        if not chosen:
            chosen = self._by_rules(state, query_terms, context_terms, similarity)
        if not chosen:  # every sentence assumes what the customer said they lack
            state.answer = NO_EVIDENCE_ANSWER
            state.confidence = 0.0
            return StageReport(scores={"coverage": 0.0, "evidence": 0.0}, flags=["no_evidence"])
        covered = set(analyze(" ".join(sentence for _, sentence in chosen))) & query_terms
        cited = list(dict.fromkeys(index for index, _ in chosen))  # in order of appearance
        numbers = {index: n + 1 for n, index in enumerate(cited)}
        state.answer = _render(chosen, numbers)
        state.citations = [citation_for(numbers[i], state.passages[i]) for i in cited]
        coverage = len(covered) / len(query_terms) if query_terms else 0.0
        evidence = max(evidence_of(state.passages[i]) for i in cited)
        state.confidence = evidence
        state.details["coverage"] = round(coverage, 4)
        # For the decide stage: was the kind of fact asked for stated, and how close is
        # the closest sentence the reply actually says (not just its passage)?
        said = " ".join(sentence for _, sentence in chosen)
        state.details["shape_missed"] = float(bool(shape.kinds) and not shape.stated_in(said))
        if similarity is not None:
            state.details["answer_similarity"] = round(
                max(similarity([sentence for _, sentence in chosen])), 4
            )
        return StageReport(
            scores={
                "coverage": round(coverage, 4),
                "evidence": round(evidence, 4),
                "sentences": float(len(chosen)),
            },
        )

    def _by_rules(
        self,
        state: TurnState,
        query_terms: set[str],
        context_terms: set[str],
        similarity: Similarity | None,
    ) -> list[tuple[int, str]]:
        """(passage index, sentence) pairs: the answering passage's best sentences by shared
        words, meaning and shape, then the next passage's."""
        chosen: list[tuple[int, str]] = []
        covered: set[str] = set()
        shape = answer_shape(state.asked)
        lacked = lacking(state.asked) if self.premise_weight else ()
        order = answer_order(state.passages, state.asked, shape, lacked, self._order_options)
        for index in order[: self.max_passages]:
            passage = state.passages[index]
            # The row naming the customer's category ("Zone 2 - Neighbours: … Austria")
            # says why the price applies, however weakly it matches the question.
            if chosen and self.follow_gap is not None and not passage.metadata.get(CATEGORY_MEMBER):
                lead = evidence_of(state.passages[chosen[0][0]])
                if evidence_of(passage) < lead - self.follow_gap:
                    break
            picked = best_sentences(
                state.passages[index],
                query_terms,
                context_terms,
                self.max_sentences - len(chosen),
                similarity,
                self.semantic_weight,
                self.min_similarity,
                shape if self.shape_bonus else None,
                self.shape_bonus,
                self.dangling_penalty,
                state.asked if self.quantity_fit else None,
                self.quantity_fit,
                lacked,
                self.premise_weight,
            )
            new_terms = set(analyze(" ".join(picked))) & query_terms
            if chosen and self.require_new_terms and not new_terms - covered:
                continue  # adds nothing the answer does not already cover
            chosen.extend((index, sentence) for sentence in picked)
            covered |= new_terms
            if len(chosen) >= self.max_sentences:
                break
            if self.require_new_terms and covered >= query_terms:
                break
        return chosen

    def _ranked(
        self,
        model: SentenceModel,
        state: TurnState,
        query_terms: set[str],
        context_terms: set[str],
        similarity: Similarity | None,
    ) -> tuple[list[tuple[int, str, float]], list[tuple[int, str, float]]]:
        """(passage index, sentence, probability) of the sentences the model chooses (the
        passage holding the likeliest answer first, each passage's sentences in their
        original order), and of every candidate."""
        candidates = sentence_candidates(
            state.passages[: self.rank_depth],
            query_terms,
            context_terms,
            similarity,
            answer_shape(state.asked),
        )
        if not candidates:
            return [], []
        probability = [model.probability(c.features) for c in candidates]
        best = max(probability)
        best_of: dict[int, float] = {}
        for candidate, p in zip(candidates, probability, strict=True):
            best_of[candidate.passage] = max(best_of.get(candidate.passage, 0.0), p)
        order = sorted(best_of, key=lambda index: -best_of[index])
        chosen: list[tuple[int, str, float]] = []
        for index in order[: self.max_passages]:
            mine = sorted(
                (i for i, c in enumerate(candidates) if c.passage == index),
                key=lambda i: -probability[i],
            )
            limit = self.max_sentences - len(chosen)
            keep = [
                i
                for rank, i in enumerate(mine[:limit])
                if (not chosen and rank == 0) or probability[i] >= self.follow_ratio * best
            ]
            chosen.extend((index, candidates[i].text, probability[i]) for i in sorted(keep))
            if len(chosen) >= self.max_sentences:
                break
        every = [(c.passage, c.text, p) for c, p in zip(candidates, probability, strict=True)]
        return chosen, every


def evidence_of(passage: Passage) -> float:
    """Cosine of the question to the passage body or its title, whichever is closer;
    the retriever's fused score when the passage has no dense signal."""
    dense = [passage.metadata.get(key) for key in ("dense", "dense_title")]
    values = [float(v) for v in dense if isinstance(v, int | float)]
    return max(values) if values else passage.score


def citation_for(number: int, passage: Passage) -> Citation:
    document_id = passage.metadata.get("document_id")
    return Citation(
        number=number,
        chunk_id=passage.chunk_id,
        title=passage.title,
        url=passage.url,
        document_id=str(document_id) if document_id is not None else None,
        score=round(passage.score, 6),
    )


def _render(chosen: list[tuple[int, str]], numbers: dict[int, int]) -> str:
    parts: list[str] = []
    for position, (index, sentence) in enumerate(chosen):
        last_of_passage = position + 1 == len(chosen) or chosen[position + 1][0] != index
        parts.append(f"{sentence} [{numbers[index]}]" if last_of_passage else sentence)
    return " ".join(parts)
