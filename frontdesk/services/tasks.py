"""The named background tasks, with JSON payloads so any process can run them:
``ingest`` (uploaded files, in slices of about ``INGEST_SLICE_S`` of work so a tenant's bulk
upload takes turns with other tenants' work) and ``train_intents``."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter

from frontdesk.intents.dataset import LabelledExample
from frontdesk.intents.encoder_tuning import FineTuneOptions
from frontdesk.jobs.tasks import Slice, TaskContext, TaskRegistry, TaskSpec
from frontdesk.services.intents import IntentService
from frontdesk.services.knowledge import KnowledgeService

# A slice takes no new file after this much work (it always takes one): another tenant's
# job waits at most about this long plus one file for its turn, whatever the files' sizes.
INGEST_SLICE_S = 1.0


def ingest_payload(items: list[tuple[str, bytes]]) -> dict[str, Any]:
    return {"files": [{"uri": uri, "data": base64.b64encode(data).decode()} for uri, data in items]}


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


def _reader(data: str) -> Callable[[], bytes]:
    return lambda: base64.b64decode(data)


def ingest_task(knowledge: KnowledgeService, slice_s: float = INGEST_SLICE_S) -> TaskSpec:
    def run(context: TaskContext, payload: dict[str, Any]) -> Slice:
        files = list(payload["files"])
        taken = 0
        deadline = time.monotonic() + slice_s

        def items() -> Iterator[tuple[str, Callable[[], bytes]]]:
            nonlocal taken
            for file in files:
                if taken and time.monotonic() >= deadline:
                    return
                taken += 1
                yield str(file["uri"]), _reader(str(file["data"]))

        report = knowledge.ingest_items(
            context.tenant_id,
            items(),
            total=len(files),
            progress=lambda done, _total, uri: context.progress(
                context.done + done, context.total, uri
            ),
        )
        rest = files[taken:]
        return Slice(report.to_dict(), {"files": rest} if rest else None)

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


def build_tasks(knowledge: KnowledgeService, intents: Callable[[], IntentService]) -> TaskRegistry:
    registry = TaskRegistry()
    registry.register("ingest", ingest_task(knowledge))
    registry.register("train_intents", train_intents_task(intents))
    return registry
