"""``/v1/tenant/settings``: an admin's switches for their own tenant."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.domain.tenant import TenantSettings

router = APIRouter(prefix="/v1/tenant", tags=["tenant"])


@router.get("/settings", response_model=TenantSettings)
def get_settings(frontdesk: FrontdeskDep, principal: AdminKey) -> TenantSettings:
    return frontdesk.tenants.settings_of(principal.tenant_id)


@router.patch("/settings", response_model=TenantSettings)
def update_settings(
    body: dict[str, Any], frontdesk: FrontdeskDep, principal: AdminKey
) -> TenantSettings:
    """Change some settings; unknown names are refused (422) and nothing changes."""
    return frontdesk.tenants.configure(principal.tenant_id, **body)
