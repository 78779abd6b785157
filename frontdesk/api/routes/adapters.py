"""``/v1/knowledge/adapt`` and ``/v1/knowledge/adapters``: the tenant's retrieval encoder
adapted to its own pairs (a background job), the stored versions, revert and roll forward."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.api.deps import AdminKey, FrontdeskDep, StaffKey
from frontdesk.api.routes.knowledge import JobPublic
from frontdesk.api.schemas import ArtifactPublic
from frontdesk.finetune.adaptation import adapt_payload
from frontdesk.knowledge.adapt.training import AdaptOptions

router = APIRouter(tags=["knowledge"])


class AdaptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    epochs: float = Field(3.0, gt=0.0, le=20.0, description="Passes over the pairs.")
    max_steps: int | None = Field(None, ge=1, description="Stop after this many steps.")
    min_gain: float = Field(
        0.0, ge=-1.0, le=1.0, description="Activate when held-out nDCG@10 rises by more."
    )


class AdapterPublic(ArtifactPublic):
    """A stored retrieval adapter."""


class AdapterState(BaseModel):
    active: str | None = Field(description="The active adapter's version; null: base encoder.")
    previous: str | None = Field(description="The adapter that was active before the change.")


@router.post("/v1/knowledge/adapt", status_code=202, response_model=JobPublic)
def adapt(
    frontdesk: FrontdeskDep, principal: AdminKey, request: AdaptRequest | None = None
) -> JobPublic:
    """Fine-tune the retrieval encoder on the tenant's own pairs in the background (minutes;
    needs frontdesk[train]). Too few pairs is a 422 and changes nothing. The job's result
    is ``knowledge adapt``'s report: ``base_ndcg``, ``adapted_ndcg``, ``activated``,
    ``pairs``, ``seconds``; the adapted encoder is used only when it scored higher."""
    request = request or AdaptRequest()
    found = frontdesk.adaptation.check(principal.tenant_id)
    options = AdaptOptions(epochs=request.epochs, max_steps=request.max_steps)
    payload = adapt_payload(options, request.min_gain)
    job = frontdesk.jobs.submit(principal.tenant_id, "adapt_retrieval", payload, len(found.pairs))
    return JobPublic.of(job)


@router.get("/v1/knowledge/adapters", response_model=list[AdapterPublic])
def list_adapters(frontdesk: FrontdeskDep, principal: StaffKey) -> list[AdapterPublic]:
    """The tenant's stored retrieval adapters, newest first."""
    return [AdapterPublic.of(a) for a in frontdesk.adaptation.adapters(principal.tenant_id)]


@router.post("/v1/knowledge/adapters/revert", response_model=AdapterState)
def revert(frontdesk: FrontdeskDep, principal: AdminKey) -> AdapterState:
    """Search with the base encoder again (the adapters stay stored)."""
    previous = frontdesk.adaptation.revert(principal.tenant_id)
    return AdapterState(active=None, previous=None if previous is None else previous.version)


@router.post("/v1/knowledge/adapters/{version}/activate", response_model=AdapterState)
def activate(version: str, frontdesk: FrontdeskDep, principal: AdminKey) -> AdapterState:
    """Search with a stored adapter (a version prefix) again, without training."""
    current = [a for a in frontdesk.adaptation.adapters(principal.tenant_id) if a.active]
    info = frontdesk.adaptation.activate(principal.tenant_id, version)
    return AdapterState(active=info.version, previous=current[0].version if current else None)
