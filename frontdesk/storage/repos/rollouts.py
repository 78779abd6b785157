"""Rollouts and the per-turn observations their comparison is computed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from frontdesk.domain.release import Arm, Observation, Rollout, RolloutMode, RolloutState
from frontdesk.errors import NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.records import from_row
from frontdesk.storage.release_tables import RolloutObservationRow, RolloutRow
from frontdesk.storage.tables import FeedbackRow, utcnow


def _rollout(row: RolloutRow) -> Rollout:
    return from_row(
        Rollout,
        row,
        mode=RolloutMode(row.mode),
        state=RolloutState(row.state),
        thresholds=dict(row.thresholds or {}),
    )


def create(
    session: Session,
    tenant_id: str,
    *,
    candidate: int,
    production: int | None,
    mode: RolloutMode,
    share: float,
    thresholds: dict[str, Any],
    started_by: str,
) -> Rollout:
    row = RolloutRow(
        id=new_id(),
        tenant_id=tenant_id,
        candidate=candidate,
        production=production,
        mode=mode.value,
        share=share,
        state=RolloutState.RUNNING.value,
        trigger=None,
        thresholds=thresholds,
        started_by=started_by,
        started_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _rollout(row)


def active(session: Session, tenant_id: str) -> Rollout | None:
    row = session.scalar(
        select(RolloutRow).where(
            RolloutRow.tenant_id == tenant_id, RolloutRow.state == RolloutState.RUNNING.value
        )
    )
    return None if row is None else _rollout(row)


def latest_or_none(session: Session, tenant_id: str) -> Rollout | None:
    row = session.scalar(
        select(RolloutRow)
        .where(RolloutRow.tenant_id == tenant_id)
        .order_by(RolloutRow.started_at.desc())
        .limit(1)
    )
    return None if row is None else _rollout(row)


def latest(session: Session, tenant_id: str) -> Rollout:
    found = latest_or_none(session, tenant_id)
    if found is None:
        raise NotFoundError("this tenant has never started a rollout")
    return found


def finish(
    session: Session,
    tenant_id: str,
    rollout_id: str,
    state: RolloutState,
    trigger: dict[str, Any] | None = None,
) -> bool:
    """End a running rollout; False when it had already ended (another replica won)."""
    row = session.scalar(
        select(RolloutRow)
        .where(RolloutRow.tenant_id == tenant_id, RolloutRow.id == rollout_id)
        .with_for_update()
    )
    if row is None or row.state != RolloutState.RUNNING.value:
        return False
    row.state, row.trigger, row.ended_at = state.value, trigger, utcnow()
    return True


def observe(session: Session, tenant_id: str, rollout_id: str, seen: Observation) -> None:
    session.add(
        RolloutObservationRow(
            tenant_id=tenant_id,
            rollout_id=rollout_id,
            arm=seen.arm.value,
            turn_id=seen.turn_id,
            latency_ms=seen.latency_ms,
            error=seen.error,
            outcome=seen.outcome,
            confidence=seen.confidence,
            safety=seen.safety,
            agrees=seen.agrees,
            same_citation=seen.same_citation,
            created_at=utcnow(),
        )
    )


def count_dropped(session: Session, tenant_id: str, rollout_id: str, n: int = 1) -> None:
    """Add ``n`` dropped shadow samples (one UPDATE: replicas add concurrently)."""
    session.execute(
        update(RolloutRow)
        .where(RolloutRow.tenant_id == tenant_id, RolloutRow.id == rollout_id)
        .values(shadow_dropped=RolloutRow.shadow_dropped + n)
    )


def shadow_counts(session: Session, tenant_id: str, rollout_id: str) -> tuple[int, int]:
    """Shadow samples run (compared and stored) and dropped, over the whole rollout."""
    run = session.scalar(
        select(func.count())
        .select_from(RolloutObservationRow)
        .where(
            RolloutObservationRow.tenant_id == tenant_id,
            RolloutObservationRow.rollout_id == rollout_id,
            RolloutObservationRow.arm == Arm.SHADOW.value,
        )
    )
    dropped = session.scalar(
        select(RolloutRow.shadow_dropped).where(
            RolloutRow.tenant_id == tenant_id, RolloutRow.id == rollout_id
        )
    )
    return int(run or 0), int(dropped or 0)


def observations(
    session: Session, tenant_id: str, rollout_id: str, arm: Arm, window: int
) -> Sequence[Observation]:
    """The arm's newest ``window`` observations."""
    rows = session.scalars(
        select(RolloutObservationRow)
        .where(
            RolloutObservationRow.tenant_id == tenant_id,
            RolloutObservationRow.rollout_id == rollout_id,
            RolloutObservationRow.arm == arm.value,
        )
        .order_by(RolloutObservationRow.id.desc())
        .limit(window)
    )
    return [from_row(Observation, row, arm=Arm(row.arm)) for row in rows]


def feedback_since(
    session: Session, tenant_id: str, release_id: str, since: datetime
) -> tuple[int, int, int, int]:
    """Thumbs up, thumbs down, CSAT sum and CSAT count given to ``release_id`` since."""
    rows = session.execute(
        select(FeedbackRow.kind, FeedbackRow.value).where(
            FeedbackRow.tenant_id == tenant_id,
            FeedbackRow.release_id == release_id,
            FeedbackRow.created_at >= since,
        )
    ).all()
    up = sum(1 for kind, value in rows if kind == "thumbs" and value > 0)
    down = sum(1 for kind, value in rows if kind == "thumbs" and value < 0)
    csat = [value for kind, value in rows if kind == "csat"]
    return up, down, sum(csat), len(csat)
