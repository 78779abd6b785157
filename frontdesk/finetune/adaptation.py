"""Retrieval adapted per tenant: ``knowledge adapt`` as a use case shared by the CLI, the
API's job (task ``adapt_retrieval``) and scripts.

:meth:`RetrievalAdaptation.check` collects the tenant's pairs and refuses too few before
anything runs (a refusal changes nothing). :meth:`RetrievalAdaptation.adapt` holds out a
split of the questions (fixed seed), fine-tunes the encoder on the rest, scores nDCG@10 of
the held-out questions with the base and the adapted encoder through the served hybrid
retrieval, and only when the adapted one scores higher (by more than ``min_gain``) stores
it, embeds the tenant's passages with it and activates it; otherwise it reports and the
tenant keeps the base encoder. :meth:`revert` goes back to the base encoder and
:meth:`activate` to any stored version, both without training. Either search serves the
active adapter (in process, or in PostgreSQL with pgvector). An activation deletes the
stored vectors of adapters older than the previous one (the revert target).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter

from frontdesk.errors import InvalidInputError, NotFoundError
from frontdesk.finetune.retrieval_pairs import (
    MIN_PAIRS,
    TenantPairs,
    collect_pairs,
    golds_by_question,
    split_pairs,
    with_hard_negatives,
)
from frontdesk.jobs.tasks import Slice, TaskContext, TaskSpec
from frontdesk.knowledge.adapt.evaluation import score
from frontdesk.knowledge.adapt.training import AdaptOptions, fine_tune_retrieval
from frontdesk.knowledge.adapted import AdaptedEncoders, EncoderLoader
from frontdesk.retrieval.hybrid import HybridOptions, title_text
from frontdesk.retrieval.protocols import Embedder
from frontdesk.storage.db import Database
from frontdesk.storage.repos import adapters as repo
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.storage.repos.adapters import AdapterInfo

Progress = Callable[[str, int, int], None]
Vector = npt.NDArray[np.float32]
_EMBED_BATCH = 64  # texts per progress report while embedding the knowledge


@dataclass(frozen=True, slots=True)
class AdaptReport:
    """``base_ndcg``/``adapted_ndcg``: held-out nDCG@10 through the served (hybrid)
    retrieval; ``activated``: whether the tenant now searches with the adapted encoder."""

    base_ndcg: float
    adapted_ndcg: float
    activated: bool
    pairs: int
    seconds: float
    version: str | None  # the stored adapter (None when not activated: nothing is stored)
    heldout: int
    train_pairs: int
    dense_base_ndcg: float
    dense_adapted_ndcg: float
    sources: dict[str, int]
    steps: int
    train_seconds: float
    options: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RetrievalAdaptation:
    def __init__(
        self,
        database: Database,
        embedder: Callable[[], Embedder],
        adapters: AdaptedEncoders,
        load_encoder: EncoderLoader,
        options: HybridOptions | None = None,
    ) -> None:
        """``options``: the served retrieval's."""
        self._db = database
        self._embedder = embedder
        self._adapters = adapters
        self._load = load_encoder
        self._options = options or HybridOptions()

    def check(self, tenant_id: str) -> TenantPairs:
        """The tenant's pairs, or a refusal saying why adapting cannot start."""
        found = collect_pairs(self._db, tenant_id, self._embedder().model_id)
        if len(found.pairs) < MIN_PAIRS:
            counts = ", ".join(f"{n} {kind}" for kind, n in sorted(found.sources().items()))
            raise InvalidInputError(
                f"adapting retrieval needs at least {MIN_PAIRS} (question -> passage) pairs; "
                f"this tenant has {len(found.pairs)}{f' ({counts})' if counts else ''}. "
                "Ingest an FAQ or resolved tickets, or collect thumbs-up answers first"
            )
        return found

    def adapt(
        self,
        tenant_id: str,
        options: AdaptOptions | None = None,
        min_gain: float = 0.0,
        progress: Progress | None = None,
    ) -> AdaptReport:
        options = options or AdaptOptions()
        report = progress or (lambda stage, done, total: None)
        started = time.perf_counter()
        found = self.check(tenant_id)
        corpus = found.corpus
        train, heldout = split_pairs(found.pairs, seed=options.seed)
        golds = golds_by_question(heldout)
        base = self._embedder()
        report("scoring the base encoder", 0, 1)
        before = score(base, corpus.chunks, golds, self._options, corpus.base_vectors)
        tuned = fine_tune_retrieval(
            corpus.texts(), with_hard_negatives(corpus, train), options, report
        )
        adapted = self._load(tuned.int8)
        adapted.warm_up()
        vectors = self._embed_knowledge(tenant_id, adapted, report)
        report("scoring the adapted encoder", 0, 1)
        after = score(adapted, corpus.chunks, golds, self._options, known=vectors)
        report("scoring the adapted encoder", 1, 1)
        activated = after.ndcg > before.ndcg + min_gain
        result = AdaptReport(
            base_ndcg=before.ndcg,
            adapted_ndcg=after.ndcg,
            activated=activated,
            pairs=len(found.pairs),
            seconds=0.0,
            version=None,
            heldout=len(golds),
            train_pairs=len(train),
            dense_base_ndcg=before.dense_ndcg,
            dense_adapted_ndcg=after.dense_ndcg,
            sources=found.sources(),
            steps=tuned.steps,
            train_seconds=tuned.seconds,
            options=asdict(options) | {"min_gain": min_gain},
        )
        if activated:
            version = hashlib.sha256(tuned.int8).hexdigest()
            # Stored before activation: the first search after it finds them ready.
            self._adapters.vectors(tenant_id, adapted, list(vectors), vectors)
            result = replace(result, version=version, seconds=_since(started))
            with self._db.transaction() as session:
                repo.save(session, tenant_id, version, tuned.int8, result.to_dict())
                repo.activate(session, tenant_id, version)
            self._adapters.forget_unkept(tenant_id)
        return replace(result, seconds=_since(started))

    def _knowledge_texts(self, tenant_id: str) -> list[str]:
        """Every passage and title text of the tenant (tickets too: they are searched)."""
        with self._db.transaction() as session:
            stored = knowledge_repo.all_chunks(session, tenant_id, self._embedder().model_id)
        chunks = [c.as_chunk() for c in stored]
        texts = list(dict.fromkeys([c.embedding_text() for c in chunks]))
        return texts + sorted({title_text(c) for c in chunks} - {""} - set(texts))

    def _embed_knowledge(
        self, tenant_id: str, adapted: Embedder, report: Progress
    ) -> dict[str, Vector]:
        """The tenant's passages and titles in the adapted encoder's space, by text: scored
        now, stored if it is activated."""
        texts = self._knowledge_texts(tenant_id)
        stage = "embedding the knowledge with the adapted encoder"
        vectors: dict[str, Vector] = {}
        for start in range(0, len(texts), _EMBED_BATCH):
            report(stage, start, len(texts))
            batch = texts[start : start + _EMBED_BATCH]
            vectors.update(zip(batch, adapted.embed(batch), strict=True))
        report(stage, len(texts), len(texts))
        return vectors

    def adapters(self, tenant_id: str) -> list[AdapterInfo]:
        with self._db.transaction() as session:
            return repo.list_adapters(session, tenant_id)

    def activate(self, tenant_id: str, version: str) -> AdapterInfo:
        """Make a stored adapter (a version prefix) the tenant's again; its passage vectors
        are stored first (embedded if they were deleted), so no search waits for them."""
        matches = [a for a in self.adapters(tenant_id) if a.version.startswith(version)]
        if not matches:
            raise NotFoundError(f"no retrieval adapter {version!r} for this tenant")
        if len(matches) > 1:
            raise InvalidInputError(
                f"{version!r} matches {len(matches)} of this tenant's retrieval adapters",
                field="version",
            )
        chosen = matches[0].version
        embedder = self._adapters.embedder(tenant_id, chosen)
        self._adapters.vectors(tenant_id, embedder, self._knowledge_texts(tenant_id))
        with self._db.transaction() as session:
            info = repo.activate(session, tenant_id, chosen)
        self._adapters.forget_unkept(tenant_id)
        return info

    def revert(self, tenant_id: str) -> AdapterInfo | None:
        """Back to the base encoder; the adapter that was active (None: none was)."""
        with self._db.transaction() as session:
            return repo.deactivate(session, tenant_id)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 1)


def adapt_payload(options: AdaptOptions, min_gain: float = 0.0) -> dict[str, Any]:
    return {"options": asdict(options), "min_gain": min_gain}


def adapt_retrieval_task(adaptation: Callable[[], RetrievalAdaptation]) -> TaskSpec:
    """``knowledge adapt`` in the background (task ``adapt_retrieval``); its result is the
    command's report. Not retried: a run that did not help would not help twice."""

    def run(context: TaskContext, payload: dict[str, Any]) -> Slice:
        report = adaptation().adapt(
            context.tenant_id,
            TypeAdapter(AdaptOptions).validate_python(payload.get("options", {})),
            float(payload.get("min_gain", 0.0)),
            progress=lambda stage, done, total: context.progress(done, total, stage),
        )
        return Slice(report.to_dict())

    return TaskSpec(run, max_attempts=1)
