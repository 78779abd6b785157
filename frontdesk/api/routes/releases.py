"""``/v1/releases``: the admin's release registry (create, diff, label, promote, roll
back) and ``/v1/audit``. A release document is sent as the request body, in JSON or
YAML (``Content-Type: application/yaml``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, StrictBool
from starlette.concurrency import run_in_threadpool

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.domain.release import Actor, Label
from frontdesk.domain.tenant import Principal
from frontdesk.errors import InvalidInputError
from frontdesk.releases.document import to_yaml
from frontdesk.releases.models import tenant_models
from frontdesk.releases.registry import describe

router = APIRouter(prefix="/v1/releases", tags=["releases"])
audit_router = APIRouter(prefix="/v1/audit", tags=["releases"])


class LabelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Label


class PromoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: StrictBool = False


def actor_of(principal: Principal) -> Actor:
    """Audited as the key's id and role."""
    return Actor(name=f"key:{principal.key_id}", role=principal.role.value)


async def _text(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the body must be UTF-8 text (JSON or YAML)") from None


@router.post("", status_code=201)
async def create_release(
    request: Request,
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    label: Annotated[Label | None, Query(description="candidate: label it at once")] = None,
) -> dict[str, Any]:
    """Store a new immutable release; its ``id`` (``name@number``) names it from now on."""
    text = await _text(request)

    def create() -> dict[str, Any]:
        release = frontdesk.releases.create(principal.tenant_id, text, actor_of(principal), label)
        return describe(release, frontdesk.releases.labels(principal.tenant_id))

    return await run_in_threadpool(create)


@router.get("")
def list_releases(frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    labels = frontdesk.releases.labels(principal.tenant_id)
    releases = frontdesk.releases.list(principal.tenant_id)
    return {"releases": [describe(r, labels) for r in releases], "labels": labels}


@router.get("/status")
def serving_status(frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    """The labels, and what this replica serves (with its last load failure, if any)
    and with which of the tenant's own models (``serving.models``: the active intent model
    and retrieval adapter versions, null for the base ones)."""
    serving = frontdesk.follower.status(principal.tenant_id)
    serving["models"] = tenant_models(frontdesk.database, principal.tenant_id)
    return {"labels": frontdesk.releases.labels(principal.tenant_id), "serving": serving}


@router.get("/diff")
def diff_releases(a: str, b: str, frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    """Changed parameters from ``a`` to ``b`` (ids, numbers or ``default``)."""
    return {"a": a, "b": b, "changes": frontdesk.releases.diff(principal.tenant_id, a, b)}


@router.put("/eval-set")
async def upload_eval_set(
    request: Request, frontdesk: FrontdeskDep, principal: AdminKey
) -> dict[str, int]:
    """The tenant's labelled set (``frontdesk eval`` JSONL) that gates promotion."""
    text = await _text(request)
    count = await run_in_threadpool(
        frontdesk.promotion.upload_eval_set, principal.tenant_id, text, actor_of(principal)
    )
    return {"rows": count}


@router.post("/rollback")
def rollback(frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, str]:
    """Make the previous production release current again."""
    current = frontdesk.releases.rollback(principal.tenant_id, actor_of(principal))
    frontdesk.follower.refresh(principal.tenant_id)
    return {"production": current}


@router.get("/{release}")
def show_release(release: str, frontdesk: FrontdeskDep, principal: AdminKey) -> dict[str, Any]:
    found = frontdesk.releases.get(principal.tenant_id, release)
    return describe(found, frontdesk.releases.labels(principal.tenant_id))


@router.get("/{release}/export", response_model=None)
def export_release(
    release: str,
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    format: Annotated[str, Query(pattern="^(json|yaml)$")] = "json",
) -> dict[str, Any] | PlainTextResponse:
    document = frontdesk.releases.export(principal.tenant_id, release)
    if format == "yaml":
        return PlainTextResponse(to_yaml(document), media_type="application/yaml")
    return document


@router.post("/{release}/label")
def label_release(
    release: str, body: LabelBody, frontdesk: FrontdeskDep, principal: AdminKey
) -> dict[str, Any]:
    found = frontdesk.releases.set_label(
        principal.tenant_id, release, body.label, actor_of(principal)
    )
    return describe(found, frontdesk.releases.labels(principal.tenant_id))


@router.post("/{release}/promote")
def promote_release(
    release: str, body: PromoteBody, frontdesk: FrontdeskDep, principal: AdminKey
) -> dict[str, Any]:
    """Production, if the evaluation gate agrees (409 with its reasons otherwise), or
    ``force`` (audited)."""
    result = frontdesk.promotion.promote(
        principal.tenant_id, release, actor_of(principal), force=body.force
    )
    frontdesk.follower.refresh(principal.tenant_id)
    return result


@audit_router.get("")
def list_audit(
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Newest first: who (key id and role, or the system) did what, with before/after."""
    entries = frontdesk.audit.list(principal.tenant_id, limit)
    return {"entries": [entry.to_dict() for entry in entries]}
