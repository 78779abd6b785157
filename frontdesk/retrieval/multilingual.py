"""Cross-language retrieval: a question in one language finds the article in another.

A multilingual encoder (multilingual-e5-small) puts a German question and the English
article that answers it close together, which the English-only default embedder does not.
It embeds queries and passages differently (``query:`` / ``passage:`` prefixes), so it has
its own protocol; :class:`QuerySide` lets the hybrid retriever use it unchanged, with the
passage vectors computed ahead.

Its cosines sit higher than the default embedder's (unrelated pairs ~0.75 instead of
~0.1), while the generate and decide stages read ``dense``/``dense_title`` on the default
embedder's scale. :class:`CosineScale` maps one onto the other with a line fitted on
English query-passage pairs embedded by both (bench/multilingual.py prints the fit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from frontdesk.retrieval.types import Passage

Vectors = npt.NDArray[np.float32]


class PassageQueryEmbedder(Protocol):
    """An encoder that embeds questions and passages differently, into one space."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors: ...

    def embed_passages(self, texts: Sequence[str]) -> Vectors: ...


class QuerySide:
    """The :class:`~frontdesk.retrieval.protocols.Embedder` a hybrid retriever calls for
    its query vector; passages must be given to it already embedded."""

    def __init__(self, encoder: PassageQueryEmbedder) -> None:
        self.encoder = encoder

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def warm_up(self) -> None:
        self.encoder.warm_up()

    def embed(self, texts: list[str]) -> Vectors:
        return self.encoder.embed_queries(texts)


@dataclass(frozen=True, slots=True)
class CosineScale:
    """``slope * cosine + intercept``: the multilingual cosine on the default scale."""

    slope: float = 1.0
    intercept: float = 0.0

    def __call__(self, value: float) -> float:
        return float(np.clip(self.slope * value + self.intercept, -1.0, 1.0))

    def passages(self, found: Sequence[Passage]) -> list[Passage]:
        """``found`` with ``dense`` and ``dense_title`` rescaled (the raw values kept as
        ``dense_multilingual``/``dense_title_multilingual``)."""
        out: list[Passage] = []
        for passage in found:
            metadata = dict(passage.metadata)
            for key in ("dense", "dense_title"):
                value = metadata.get(key)
                if isinstance(value, int | float):
                    metadata[f"{key}_multilingual"] = float(value)
                    metadata[key] = round(self(float(value)), 6)
            out.append(replace(passage, metadata=metadata))
        return out

    @classmethod
    def fit(cls, multilingual: Sequence[float], default: Sequence[float]) -> CosineScale:
        """Least squares over pairs of cosines of the same query-passage pairs."""
        slope, intercept = np.polyfit(np.asarray(multilingual), np.asarray(default), 1)
        return cls(round(float(slope), 4), round(float(intercept), 4))


# Passage metadata: found while the tenant's multilingual index is still being built for
# the first time (by the default index, or by the part embedded so far), so a question in
# another language may miss the passage that answers it. The decide stage hands such a
# question to a person with a "one moment" rather than decline it because of the warm-up.
WARMING = "multilingual_warming"


def warming(found: Sequence[Passage]) -> list[Passage]:
    """``found`` marked as searched before the multilingual index was complete."""
    return [replace(p, metadata={**p.metadata, WARMING: True}) for p in found]
