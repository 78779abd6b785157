"""``/v1/alerts``: alert rules (admins change them, agents read) and the alert history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from frontdesk.api.deps import AdminKey, FrontdeskDep, StaffKey
from frontdesk.api.operations_schemas import (
    AlertEventPublic,
    AlertRuleCreate,
    AlertRulePublic,
    AlertRuleUpdate,
)

router = APIRouter(prefix="/v1/alerts", tags=["operations"])


@router.get("/rules", response_model=list[AlertRulePublic])
def list_rules(frontdesk: FrontdeskDep, principal: StaffKey) -> list[AlertRulePublic]:
    """The tenant's rules with their current state and last measured value."""
    return [AlertRulePublic.of(r) for r in frontdesk.alerts.rules(principal.tenant_id)]


@router.post("/rules", status_code=201, response_model=AlertRulePublic)
def create_rule(
    body: AlertRuleCreate, frontdesk: FrontdeskDep, principal: AdminKey
) -> AlertRulePublic:
    values = body.model_dump()
    values["metric"] = body.metric.value
    return AlertRulePublic.of(frontdesk.alerts.create(principal.tenant_id, **values))


@router.patch("/rules/{rule_id}", response_model=AlertRulePublic)
def update_rule(
    rule_id: str, body: AlertRuleUpdate, frontdesk: FrontdeskDep, principal: AdminKey
) -> AlertRulePublic:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return AlertRulePublic.of(frontdesk.alerts.update(principal.tenant_id, rule_id, **changes))


@router.delete("/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: str, frontdesk: FrontdeskDep, principal: AdminKey) -> Response:
    frontdesk.alerts.delete(principal.tenant_id, rule_id)
    return Response(status_code=204)


@router.get("", response_model=list[AlertEventPublic])
def alert_history(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    rule_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AlertEventPublic]:
    """Every time a rule started firing or resolved, newest first."""
    events = frontdesk.alerts.history(principal.tenant_id, limit, rule_id)
    return [AlertEventPublic.of(e) for e in events]
