"""Which retrieved sentence answers the question: a small learned model over cheap signals.

Word overlap and cosine pick the on-topic sentence, not always the answering one: for
"when do the reminders go out" the article's first sentence ("Ledgerly can remind your
clients…") shares the most words, while "3 days before the due date" two chunks further
down answers. The model scores every sentence of the top passages by signals the pipeline
already has (the passage's retrieval rank and cosine, the sentence's cosine and shared
words, whether it states the kind of fact asked for, its place and length), so the answer
may come from the third passage when it states what was asked. Its weights live in the
release, fitted on the dev rows of the labelled help centers by ``bench/sentence_fit.py``;
its best probability is also a signal for the decide stage (``answer_score``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from frontdesk.pipeline.stages.answer_shape import AnswerShape
from frontdesk.pipeline.stages.category_hop import answer_units
from frontdesk.pipeline.stages.evidence import HOP_KEY
from frontdesk.pipeline.state import Passage
from frontdesk.retrieval.text import analyze

Similarity = Callable[[list[str]], list[float]]

FEATURES = (
    "passage_rank",  # 1 / (1 + retrieval rank)
    "passage_evidence",  # the passage's cosine to the question (body or title)
    "passage_score",  # its fused score relative to the top passage's
    "same_document",  # from the top passage's document
    "hop",  # the passage a matching resolved ticket led to
    "faq",  # a FAQ entry's whole answer
    "cosine",  # the sentence's cosine to the question
    "cosine_gap",  # how far below the best sentence's cosine
    "overlap",  # share of the message's words the sentence contains
    "context_overlap",  # words of the condensed earlier question it contains
    "shape_asked",  # the question asks for an amount, a time, a place or a number
    "shape_stated",  # the sentence states a fact of the asked kind
    "dangling",  # announces a list the passage does not hold
    "first",  # the passage's first sentence
    "words",  # log length
)


@dataclass(frozen=True, slots=True)
class SentenceCandidate:
    passage: int  # index into the turn's passages
    text: str
    features: dict[str, float]


def _evidence(passage: Passage) -> float:
    dense = [passage.metadata.get(key) for key in ("dense", "dense_title")]
    values = [float(v) for v in dense if isinstance(v, int | float)]
    return max(values) if values else passage.score


def faq_answer(passage: Passage) -> str | None:
    answer = passage.metadata.get("answer")
    return answer.strip() if isinstance(answer, str) and answer.strip() else None


def sentence_candidates(
    passages: Sequence[Passage],
    query_terms: set[str],
    context_terms: set[str],
    similarity: Similarity | None,
    shape: AnswerShape,
) -> list[SentenceCandidate]:
    """Every answer unit of ``passages`` (a FAQ entry's answer counts as one) with its
    features; the model scores them."""
    if not passages:
        return []
    top_score = passages[0].score or 1.0
    top_document = passages[0].metadata.get("document_id")
    raw: list[tuple[int, str, bool, bool]] = []  # (passage, text, dangling, first)
    for index, passage in enumerate(passages):
        answer = faq_answer(passage)
        if answer is not None:
            raw.append((index, answer, False, True))
            continue
        for position, unit in enumerate(answer_units(passage)):
            raw.append((index, unit.text, unit.dangling, position == 0))
    if not raw:
        return []
    texts = [text for _, text, _, _ in raw]
    cosines = similarity(texts) if similarity is not None else [0.0] * len(texts)
    best_cosine = max(cosines)
    scale = max(1, len(query_terms))
    out: list[SentenceCandidate] = []
    for (index, text, dangling, first), cosine in zip(raw, cosines, strict=True):
        passage = passages[index]
        terms = set(analyze(text))
        features = {
            "passage_rank": 1.0 / (1 + index),
            "passage_evidence": _evidence(passage),
            "passage_score": passage.score / top_score if top_score else 0.0,
            "same_document": float(
                top_document is not None and passage.metadata.get("document_id") == top_document
            ),
            "hop": float(bool(passage.metadata.get(HOP_KEY))),
            "faq": float(faq_answer(passage) is not None),
            "cosine": cosine,
            "cosine_gap": best_cosine - cosine,
            "overlap": len(query_terms & terms) / scale,
            "context_overlap": float(len(context_terms & terms) > 0),
            "shape_asked": float(bool(shape.kinds)),
            "shape_stated": float(bool(shape.kinds) and shape.stated_in(text)),
            "dangling": float(dangling),
            "first": float(first),
            "words": math.log1p(len(text.split())),
        }
        out.append(SentenceCandidate(index, text, features))
    return out


@dataclass(frozen=True)
class SentenceModel:
    """A logistic model: the probability that a sentence answers the question."""

    weights: Mapping[str, float]
    bias: float

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown sentence features {sorted(unknown)}")

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> SentenceModel:
        weights = params.get("weights")
        bias = params.get("bias", 0.0)
        if not isinstance(weights, Mapping) or not isinstance(bias, int | float):
            raise ValueError("sentence_model needs 'weights' (a mapping) and a numeric 'bias'")
        return cls({str(k): float(v) for k, v in weights.items()}, float(bias))

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
