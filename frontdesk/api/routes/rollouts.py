"""``/v1/rollouts``: shadow, canary and A/B rollouts of a candidate, for admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.api.routes.releases import actor_of
from frontdesk.domain.release import RolloutMode

router = APIRouter(prefix="/v1/rollouts", tags=["releases"])


class RolloutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate: str = Field(description="Release id (name@number) or number.")
    mode: RolloutMode
    share: float = Field(description="Percent of conversations: canary 1-50, ab 1-99.")
    triggers: dict[str, Any] | None = Field(
        None, description="Rollback triggers; the seed's limits by default."
    )


@router.post("", status_code=201)
def start_rollout(
    body: RolloutCreate, frontdesk: FrontdeskDep, principal: AdminKey
) -> dict[str, Any]:
    frontdesk.rollouts.start(
        principal.tenant_id,
        body.candidate,
        body.mode,
        body.share,
        actor_of(principal),
        body.triggers,
    )
    frontdesk.follower.refresh(principal.tenant_id)
    return frontdesk.rollouts.status(principal.tenant_id)


@router.get("")
def rollout_status(frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    """The latest rollout: state, trigger and both arms' live figures."""
    return frontdesk.rollouts.status(principal.tenant_id)


@router.get("/latest")
def latest_rollout(frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    """The latest rollout as ``{"rollout": ...}``, ``{"rollout": null}`` while the tenant
    has never started one (``GET /v1/rollouts`` answers 404 then)."""
    return {"rollout": frontdesk.rollouts.status_or_none(principal.tenant_id)}


@router.post("/stop")
def stop_rollout(frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    frontdesk.rollouts.stop(principal.tenant_id, actor_of(principal))
    frontdesk.follower.refresh(principal.tenant_id)
    return frontdesk.rollouts.status(principal.tenant_id)
