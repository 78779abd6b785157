"""``/v1/intents``: the intent model's intents, training from a file, rollback."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel

from frontdesk.api.deps import AdminKey, FrontdeskDep, StaffKey
from frontdesk.api.routes.knowledge import JobPublic
from frontdesk.api.schemas import ArtifactPublic
from frontdesk.errors import InvalidInputError
from frontdesk.intents.dataset import TRAINING, parse_example_set
from frontdesk.intents.encoder_tuning import FineTuneOptions
from frontdesk.services.tasks import examples_payload

router = APIRouter(prefix="/v1/intents", tags=["intents"])


class IntentPublic(BaseModel):
    name: str
    examples: int
    heldout_examples: int
    heldout_accuracy: float | None


class IntentModelPublic(ArtifactPublic):
    """A stored intent model."""


@router.get("", response_model=list[IntentPublic])
def list_intents(frontdesk: FrontdeskDep, principal: StaffKey) -> list[IntentPublic]:
    """The active model's intents, with example counts and held-out accuracy from the
    last training run."""
    return [
        IntentPublic(
            name=i.name,
            examples=i.examples,
            heldout_examples=i.heldout_examples,
            heldout_accuracy=i.heldout_accuracy,
        )
        for i in frontdesk.intents.intents(principal.tenant_id)
    ]


@router.post("/train", status_code=202, response_model=JobPublic)
def train(
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    file: Annotated[UploadFile, File(description="CSV or JSONL of text,label rows")],
    fine_tune: Annotated[
        bool, Query(description="Adapt the sentence encoder too (needs frontdesk[train]).")
    ] = False,
) -> JobPublic:
    """Validate the examples now (a bad file is a 422 naming the row or label and changes
    nothing; exact duplicates are merged, counted in the job's ``duplicates_merged``, and the
    same text under two labels is refused), then train in the background; the new model
    becomes active when done.
    ``fine_tune`` adapts the encoder to these examples first (minutes, not seconds)."""
    suffix = PurePath(file.filename or "").suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise InvalidInputError("the examples file must be .csv or .jsonl", field="file")
    loaded = parse_example_set(file.file.read(), "csv" if suffix == ".csv" else "jsonl", TRAINING)
    payload = examples_payload(
        loaded.examples, FineTuneOptions() if fine_tune else None, len(loaded.duplicates)
    )
    return JobPublic.of(
        frontdesk.jobs.submit(principal.tenant_id, "train_intents", payload, len(loaded.examples))
    )


@router.get("/models", response_model=list[IntentModelPublic])
def list_models(frontdesk: FrontdeskDep, principal: StaffKey) -> list[IntentModelPublic]:
    return [IntentModelPublic.of(m) for m in frontdesk.intents.models(principal.tenant_id)]


@router.post("/models/{version}/activate", response_model=IntentModelPublic)
def activate(version: str, frontdesk: FrontdeskDep, principal: AdminKey) -> IntentModelPublic:
    """Make this model active (roll forward or back)."""
    return IntentModelPublic.of(frontdesk.intents.activate(principal.tenant_id, version))
