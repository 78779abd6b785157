"""Turning messages into the feature matrix the linear head reads.

Features are the blocks ``[char n-gram TF-IDF | word n-gram TF-IDF | w * sentence vector]``:
the embedding carries meaning across paraphrases, the n-grams carry exact wording and
typos; a single linear head over both beat either alone on BANKING77 and CLINC150
(see bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from frontdesk.intents.ngrams import NgramVectorizer
from frontdesk.retrieval.protocols import Embedder

Vectors = npt.NDArray[np.float32]


class FeatureBuilder:
    """Fitted n-gram vocabularies plus an optional embedder; stateless at prediction time."""

    def __init__(
        self,
        vectorizers: Sequence[NgramVectorizer],
        embedder: Embedder | None,
        embedding_weight: float,
    ) -> None:
        self.vectorizers = list(vectorizers)
        self.embedder = embedder
        self.embedding_weight = embedding_weight

    @property
    def ngram_width(self) -> int:
        return sum(v.width for v in self.vectorizers)

    @property
    def embedding_width(self) -> int:
        return self.embedder.dimension if self.embedder is not None else 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        if self.embedder is None:
            return np.zeros((len(texts), 0), dtype=np.float32)
        vectors: Vectors = self.embedder.embed(list(texts)) * np.float32(self.embedding_weight)
        return vectors

    def ngram_features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if not self.vectorizers:
            return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        blocks = [v.transform(texts) for v in self.vectorizers]
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def matrix(self, texts: Sequence[str], vectors: Vectors | None = None) -> sparse.csr_matrix:
        """All features for training; ``vectors`` are precomputed scaled embeddings."""
        dense = self.embed(texts) if vectors is None else vectors
        return sparse.hstack(
            [self.ngram_features(texts), sparse.csr_matrix(dense)], format="csr", dtype=np.float32
        )
