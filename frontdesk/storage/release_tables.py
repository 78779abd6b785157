"""Tables of the release registry: immutable numbered releases, their labels, each
tenant's serving state, rollouts (canary, A/B, shadow) and the per-arm observations that
decide a rollback. Every row carries ``tenant_id``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.storage.tables import Base, UTCDateTime, utcnow


class ReleaseRow(Base):
    """An immutable, numbered release of one tenant: the pipeline config and its gate."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("tenant_id", "number", name="uq_releases_tenant_number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    gate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    digest: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReleaseLabelRow(Base):
    """Which release number a label (``production``, ``candidate``) points at."""

    __tablename__ = "release_labels"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(16), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    previous: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReleaseStateRow(Base):
    """Bumped on every label or rollout change: replicas poll this one row per tenant."""

    __tablename__ = "release_state"

    tenant_id: Mapped[str] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)


class RolloutRow(Base):
    """A candidate against production: shadow, canary or A/B, and how it ended."""

    __tablename__ = "rollouts"
    __table_args__ = (Index("ix_rollouts_tenant_state", "tenant_id", "state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    candidate: Mapped[int] = mapped_column(Integer)
    production: Mapped[int | None] = mapped_column(Integer)  # None: the built-in default
    mode: Mapped[str] = mapped_column(String(16))
    share: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Shadow samples dropped (not run) so as not to slow customers; every replica adds.
    shadow_dropped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RolloutObservationRow(Base):
    """One turn as one arm of a rollout saw it: what the comparison is computed from."""

    __tablename__ = "rollout_observations"
    __table_args__ = (Index("ix_rollout_observations_arm", "rollout_id", "arm", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    rollout_id: Mapped[str] = mapped_column(ForeignKey("rollouts.id", ondelete="CASCADE"))
    arm: Mapped[str] = mapped_column(String(16))  # production | candidate | shadow
    turn_id: Mapped[str | None] = mapped_column(String(32))
    latency_ms: Mapped[float] = mapped_column(Float)
    error: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    safety: Mapped[bool] = mapped_column(Boolean)
    agrees: Mapped[bool | None] = mapped_column(Boolean)
    same_citation: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
