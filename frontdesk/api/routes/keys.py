"""``/v1/keys``: an admin manages its own tenant's API keys."""

from __future__ import annotations

from fastapi import APIRouter

from frontdesk.api.deps import AdminKey, FrontdeskDep
from frontdesk.api.schemas import KeyCreate, KeyCreated, KeyPublic
from frontdesk.domain.agents import actor_of

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.get("", response_model=list[KeyPublic])
def list_keys(frontdesk: FrontdeskDep, principal: AdminKey) -> list[KeyPublic]:
    return [KeyPublic.of(k) for k in frontdesk.tenants.list_keys(principal.tenant_name)]


@router.post("", status_code=201, response_model=KeyCreated)
def create_key(body: KeyCreate, frontdesk: FrontdeskDep, principal: AdminKey) -> KeyCreated:
    key, info = frontdesk.tenants.issue_key(
        principal.tenant_name, body.role, body.name, actor=actor_of(principal)
    )
    return KeyCreated(key=key, **KeyPublic.of(info).model_dump())


@router.delete("/{key_id}", response_model=KeyPublic)
def revoke_key(key_id: str, frontdesk: FrontdeskDep, principal: AdminKey) -> KeyPublic:
    revoked = frontdesk.tenants.revoke_key(principal.tenant_name, key_id, actor=actor_of(principal))
    return KeyPublic.of(revoked)
