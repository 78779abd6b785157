"""Registry records: stored releases, their labels, rollouts and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Label(StrEnum):
    PRODUCTION = "production"
    CANDIDATE = "candidate"


class RolloutMode(StrEnum):
    SHADOW = "shadow"  # the candidate also answers, its reply is stored, never shown
    CANARY = "canary"  # a share of conversations is answered by the candidate
    AB = "ab"  # a fixed split


class RolloutState(StrEnum):
    RUNNING = "running"
    ROLLED_BACK = "rolled_back"
    PROMOTED = "promoted"
    STOPPED = "stopped"


class Arm(StrEnum):
    PRODUCTION = "production"
    CANDIDATE = "candidate"
    SHADOW = "shadow"


@dataclass(frozen=True, slots=True)
class StoredRelease:
    """One immutable release of a tenant. ``release_id`` (``name@number``) is what turns,
    rollouts and the CLI call it."""

    id: str
    tenant_id: str
    number: int
    name: str
    config: dict[str, Any]
    gate: dict[str, Any]
    digest: str
    created_by: str
    created_at: datetime

    @property
    def release_id(self) -> str:
        return f"{self.name}@{self.number}"


@dataclass(frozen=True, slots=True)
class Rollout:
    id: str
    tenant_id: str
    candidate: int
    production: int | None  # None: the tenant ran the built-in default release
    mode: RolloutMode
    share: float  # percent of conversations, 0 < share <= 100
    state: RolloutState
    trigger: dict[str, Any] | None
    thresholds: dict[str, Any]
    started_by: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class Observation:
    """How one arm of a rollout answered one turn."""

    arm: Arm
    latency_ms: float
    error: bool
    outcome: str
    confidence: float
    safety: bool
    turn_id: str | None = None
    agrees: bool | None = None  # shadow only: same outcome as production
    same_citation: bool | None = None  # shadow only: same top citation


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    tenant_id: str
    actor: str
    role: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "target": self.target,
            "before": self.before,
            "after": self.after,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an API key (its id and role), an operator at the CLI, or the system."""

    name: str
    role: str


SYSTEM = Actor(name="system", role="system")
