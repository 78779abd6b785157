"""The named background tasks, with JSON payloads so any process can run them:
``ingest`` (uploaded files, in slices of about ``INGEST_SLICE_S`` of work so a tenant's bulk
upload takes turns with other tenants' work), ``train_intents`` and ``embed_multilingual``
(a tenant's knowledge, when it turns other languages on)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter

from frontdesk.intents.dataset import LabelledExample
from frontdesk.intents.encoder_tuning import FineTuneOptions
from frontdesk.jobs.queue import JobQueue
from frontdesk.jobs.tasks import Slice, TaskContext, TaskRegistry, TaskSpec
from frontdesk.knowledge.multilingual_ahead import BACKFILL_TASK
from frontdesk.services.intents import IntentService
from frontdesk.services.knowledge import KnowledgeService
from frontdesk.storage.db import Database
from frontdesk.storage.repos import jobs as repo
from frontdesk.storage.repos.jobs import JobInfo

# A slice takes no new file after this much work (it always takes one): another tenant's
# job waits at most about this long plus one file for its turn, whatever the files' sizes.
INGEST_SLICE_S = 1.0
# Chunks per slice of a multilingual backfill: ~15 s of the encoder on two idle cores.
BACKFILL_SLICE = 64


def submit_ingest(jobs: JobQueue, tenant_id: str, items: list[tuple[str, bytes]]) -> JobInfo:
    """Queue an upload: its files are stored with the job once; each slice's payload is
    only the position of the next file (``{"next": n, "count": total}``)."""
    return jobs.submit(tenant_id, "ingest", {"next": 0, "count": len(items)}, len(items), items)


def examples_payload(
    examples: list[LabelledExample],
    fine_tune: FineTuneOptions | None = None,
    duplicates_merged: int = 0,
) -> dict[str, Any]:
    """``duplicates_merged``: exact duplicates the upload held, reported in the result."""
    payload: dict[str, Any] = {"examples": [[e.text, e.label, e.row] for e in examples]}
    if fine_tune is not None:
        payload["fine_tune"] = asdict(fine_tune)
    if duplicates_merged:
        payload["duplicates_merged"] = duplicates_merged
    return payload


def _stored(database: Database, tenant_id: str, job_id: str) -> Callable[[int], tuple[str, bytes]]:
    def read(position: int) -> tuple[str, bytes]:
        with database.transaction() as session:
            return repo.file_at(session, tenant_id, job_id, position)

    return read


def _given(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _legacy(files: list[dict[str, str]]) -> Callable[[int], tuple[str, bytes]]:
    """A payload queued before the files were stored (``{"files": [...]}``)."""
    return lambda n: (str(files[n]["uri"]), base64.b64decode(files[n]["data"]))


def ingest_task(
    knowledge: KnowledgeService, database: Database, slice_s: float = INGEST_SLICE_S
) -> TaskSpec:
    def run(context: TaskContext, payload: dict[str, Any]) -> Slice:
        legacy: list[dict[str, str]] | None = payload.get("files")
        if legacy is not None:
            start, count, read = 0, len(legacy), _legacy(legacy)
            base = context.done  # files finished before this slice
        else:
            start, count = int(payload["next"]), int(payload["count"])
            read = _stored(database, context.tenant_id, context.job_id)
            base = start  # a retried slice counts its files again from where it began
        position = start
        deadline = time.monotonic() + slice_s

        def items() -> Iterator[tuple[str, Callable[[], bytes]]]:
            nonlocal position
            while position < count:
                if position > start and time.monotonic() >= deadline:
                    return
                uri, data = read(position)
                position += 1
                yield uri, _given(data)

        report = knowledge.ingest_items(
            context.tenant_id,
            items(),
            total=count,
            progress=lambda done, _total, uri: context.progress(base + done, context.total, uri),
        )
        if position >= count:
            return Slice(report.to_dict())
        if legacy is not None:
            return Slice(report.to_dict(), {"files": legacy[position:]})
        return Slice(report.to_dict(), {"next": position, "count": count})

    return TaskSpec(run)


def train_intents_task(intents: Callable[[], IntentService]) -> TaskSpec:
    def run(context: TaskContext, payload: dict[str, Any]) -> Slice:
        examples = [LabelledExample(str(t), str(lb), int(r)) for t, lb, r in payload["examples"]]
        tuning = payload.get("fine_tune")
        info = intents().train(
            context.tenant_id,
            examples,
            progress=lambda stage, done, total: context.progress(done, total, stage),
            fine_tune=None
            if tuning is None
            else TypeAdapter(FineTuneOptions).validate_python(tuning),
        )
        result = {"version": info.version, "report": info.report}
        return Slice(result | {"duplicates_merged": int(payload.get("duplicates_merged", 0))})

    return TaskSpec(run)


def submit_multilingual_backfill(jobs: JobQueue, tenant_id: str) -> JobInfo:
    """Queue the embedding of the tenant's knowledge with the multilingual encoder."""
    return jobs.submit(tenant_id, BACKFILL_TASK, {"next": 0}, 0)


def multilingual_backfill_task(
    knowledge: KnowledgeService, slice_chunks: int = BACKFILL_SLICE
) -> TaskSpec:
    def run(context: TaskContext, payload: dict[str, Any]) -> Slice:
        start = int(payload["next"])
        done = knowledge.embed_multilingual(context.tenant_id, start, slice_chunks)
        position = done.chunks if done.next is None else done.next
        context.progress(position, done.chunks, "multilingual vectors")
        result = {"embedded": done.embedded}
        return Slice(result, None if done.next is None else {"next": done.next})

    return TaskSpec(run)


def build_tasks(
    knowledge: KnowledgeService, database: Database, intents: Callable[[], IntentService]
) -> TaskRegistry:
    registry = TaskRegistry()
    registry.register("ingest", ingest_task(knowledge, database))
    registry.register("train_intents", train_intents_task(intents))
    registry.register(BACKFILL_TASK, multilingual_backfill_task(knowledge))
    return registry
