"""``/v1/tenant/settings``: an admin's switches for their own tenant; ``/v1/tenant/messages``:
the texts the chat widget shows, in a customer's language."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from frontdesk.api.deps import AdminKey, AnyKey, FrontdeskDep, StaffKey
from frontdesk.domain.agents import actor_of
from frontdesk.domain.catalogue import RTL_LANGUAGES, Catalogue, base_language
from frontdesk.domain.tenant import TenantSettings

router = APIRouter(prefix="/v1/tenant", tags=["tenant"])


@router.get("/settings", response_model=TenantSettings)
def get_settings(frontdesk: FrontdeskDep, principal: AdminKey) -> TenantSettings:
    return frontdesk.tenants.settings_of(principal.tenant_id)


class TenantSettingsChanged(TenantSettings):
    backfill_job_id: str | None = Field(
        None,
        description="The job embedding the knowledge for the languages this change turned "
        "on (follow it with GET /v1/jobs/{id}); null when the change queued none.",
    )


@router.patch("/settings", response_model=TenantSettingsChanged)
def update_settings(
    body: dict[str, Any], frontdesk: FrontdeskDep, principal: AdminKey
) -> TenantSettingsChanged:
    """Change some settings; unknown names are refused (422) and nothing changes. Turning
    on languages other than English queues a job that embeds the knowledge for them: its
    id is ``backfill_job_id``."""
    changed = frontdesk.configure_tenant(principal.tenant_id, body, actor=actor_of(principal))
    return TenantSettingsChanged(
        **changed.settings.model_dump(), backfill_job_id=changed.backfill_job_id
    )


class BudgetPublic(BaseModel):
    day: str = Field(description="The UTC day counted (YYYY-MM-DD).")
    resets_at: str = Field(description="When the next day's budget starts (ISO 8601, UTC).")
    turns: int = Field(description="Assistant turns stored today.")
    tokens_used: int
    token_limit: int | None = Field(description="llm_daily_tokens; null: no limit.")
    cost_used: float
    cost_limit: float | None = Field(description="llm_daily_cost; null: no limit.")
    share_used: float | None = Field(description="The higher of the two shares; null: no limit.")
    exhausted: bool = Field(description="Turns are answered without the LLM until resets_at.")


@router.get("/budget", response_model=BudgetPublic)
def llm_budget(frontdesk: FrontdeskDep, principal: StaffKey) -> BudgetPublic:
    """Today's LLM usage against the daily budget (set with PATCH /v1/tenant/settings:
    ``llm_daily_tokens``, ``llm_daily_cost``)."""
    return BudgetPublic.model_validate(frontdesk.budgets.status(principal.tenant_id).to_dict())


class WidgetMessages(BaseModel):
    language: str = Field(description="The catalogue language the texts are in.")
    dir: str = Field(description="Text direction of that language: ltr or rtl.")
    messages: dict[str, str]


class Caller(BaseModel):
    tenant: str
    role: str = Field(description="widget, agent or admin: what this key may do.")
    key_id: str
    key_name: str
    agent_id: str | None = Field(None, description="The named agent the key acts as, if any.")
    name: str = Field("", description="How tickets and replies name the caller.")
    owner_id: str = Field(description="The id tickets the caller takes are assigned to.")


@router.get("/me", response_model=Caller)
def who_am_i(principal: AnyKey) -> Caller:
    """The key's tenant and role, so a page shows only what the key may use."""
    return Caller(
        tenant=principal.tenant_name,
        role=principal.role.value,
        key_id=principal.key_id,
        key_name=principal.key_name,
        agent_id=principal.agent_id,
        name=principal.display_name,
        owner_id=principal.owner_id,
    )


@router.get("/messages", response_model=WidgetMessages)
def widget_messages(
    frontdesk: FrontdeskDep,
    principal: AnyKey,
    language: Annotated[
        str, Query(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$", description="e.g. de-AT")
    ] = "en",
) -> WidgetMessages:
    """The widget's labels and CSAT prompt in ``language`` (a browser tag is fine), with
    the tenant's overrides; English (left to right) when there is neither a built-in
    catalogue nor tenant texts for it."""
    code = base_language(language) or "en"
    overrides = frontdesk.tenants.settings_of(principal.tenant_id).messages
    catalogue = Catalogue(code, overrides.get(code))
    return WidgetMessages(
        language=catalogue.language,
        dir="rtl" if catalogue.language in RTL_LANGUAGES else "ltr",
        messages=catalogue.widget_texts(),
    )
