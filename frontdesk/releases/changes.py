"""A registry change, recorded twice in the transaction that makes it: in the audit log,
and as a webhook event for the tenant's subscribers (so an on-call channel hears that
production moved, or that a rollout rolled itself back, without polling).

Actions map to events: ``create`` → ``release.created``; ``label`` → ``release.labelled``;
``promote``/``promote_forced`` → ``release.promoted``; ``rollback`` →
``release.rolled_back``; ``rollout_start`` → ``rollout.started``; the end of a rollout
(``rollout_stop``, ``rollout_promoted``, ``auto_rollback``) → ``rollout.finished``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.release import Actor
from frontdesk.operations.webhooks import enqueue_event
from frontdesk.storage.repos import audit

EVENTS = {
    "create": "release.created",
    "label": "release.labelled",
    "promote": "release.promoted",
    "promote_forced": "release.promoted",
    "rollback": "release.rolled_back",
    "rollout_start": "rollout.started",
    "rollout_stop": "rollout.finished",
    "rollout_promoted": "rollout.finished",
    "auto_rollback": "rollout.finished",
}


def record_change(
    session: Session,
    tenant_id: str,
    actor: Actor,
    action: str,
    target: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.append(session, tenant_id, actor, action, target, before=before, after=after)
    event = EVENTS.get(action)
    if event is not None:
        data = {
            "action": action,
            "target": target,
            "actor": actor.name,
            "role": actor.role,
            "before": before,
            "after": after,
        }
        enqueue_event(session, tenant_id, event, data)
