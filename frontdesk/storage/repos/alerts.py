"""Alert rules and the alert history, always filtered by tenant (except the due-rule
scan of the evaluator, which then works tenant by tenant)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from frontdesk.domain.operations import AlertEvent, AlertMetric, AlertRule, AlertState
from frontdesk.errors import ConflictError, NotFoundError
from frontdesk.storage.ids import new_id
from frontdesk.storage.ops_tables import AlertEventRow, AlertRuleRow
from frontdesk.storage.records import from_row
from frontdesk.storage.tables import utcnow


def _rule(row: AlertRuleRow) -> AlertRule:
    return from_row(AlertRule, row, metric=AlertMetric(row.metric), state=AlertState(row.state))


def _event(row: AlertEventRow) -> AlertEvent:
    return from_row(AlertEvent, row, state=AlertState(row.state))


def create_rule(session: Session, tenant_id: str, **values: Any) -> AlertRule:
    row = AlertRuleRow(
        id=new_id(),
        tenant_id=tenant_id,
        state=AlertState.OK.value,
        last_sample=0,
        next_run_at=utcnow(),
        created_at=utcnow(),
        **values,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise ConflictError(f"an alert rule named {values.get('name')!r} already exists") from None
    return _rule(row)


def _row(session: Session, tenant_id: str, rule_id: str, lock: bool = False) -> AlertRuleRow:
    query = select(AlertRuleRow).where(
        AlertRuleRow.tenant_id == tenant_id, AlertRuleRow.id == rule_id
    )
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFoundError(f"alert rule {rule_id!r} not found")
    return row


def get_rule(session: Session, tenant_id: str, rule_id: str, lock: bool = False) -> AlertRule:
    return _rule(_row(session, tenant_id, rule_id, lock))


def list_rules(session: Session, tenant_id: str) -> list[AlertRule]:
    rows = session.scalars(
        select(AlertRuleRow)
        .where(AlertRuleRow.tenant_id == tenant_id)
        .order_by(AlertRuleRow.created_at, AlertRuleRow.name)
    )
    return [_rule(r) for r in rows]


def update_rule(session: Session, tenant_id: str, rule_id: str, **changes: Any) -> AlertRule:
    row = _row(session, tenant_id, rule_id)
    for name, value in changes.items():
        setattr(row, name, value)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ConflictError(f"an alert rule named {changes.get('name')!r} already exists") from None
    return _rule(row)


def delete_rule(session: Session, tenant_id: str, rule_id: str) -> None:
    session.delete(_row(session, tenant_id, rule_id))


def due_rules(session: Session, now: datetime, limit: int) -> list[tuple[str, str]]:
    """(tenant id, rule id) of enabled rules whose next run is due, every tenant."""
    rows = session.execute(
        select(AlertRuleRow.tenant_id, AlertRuleRow.id)
        .where(AlertRuleRow.enabled.is_(True), AlertRuleRow.next_run_at <= now)
        .order_by(AlertRuleRow.next_run_at)
        .limit(limit)
    )
    return [(str(t), str(i)) for t, i in rows]


def claim(session: Session, tenant_id: str, rule_id: str, now: datetime, until: datetime) -> bool:
    """Take the rule's evaluation for this period: a compare-and-set on ``next_run_at``,
    so of several replicas exactly one wins (the others see the moved lease)."""
    result = session.execute(
        update(AlertRuleRow)
        .where(
            AlertRuleRow.tenant_id == tenant_id,
            AlertRuleRow.id == rule_id,
            AlertRuleRow.next_run_at <= now,
        )
        .values(next_run_at=until)
    )
    return bool(getattr(result, "rowcount", 0))


def record_evaluation(
    session: Session,
    tenant_id: str,
    rule_id: str,
    *,
    state: AlertState,
    value: float | None,
    sample: int,
    now: datetime,
) -> None:
    session.execute(
        update(AlertRuleRow)
        .where(AlertRuleRow.tenant_id == tenant_id, AlertRuleRow.id == rule_id)
        .values(state=state.value, last_value=value, last_sample=sample, last_evaluated_at=now)
    )


def add_event(session: Session, tenant_id: str, rule: AlertRule, **values: Any) -> AlertEvent:
    row = AlertEventRow(
        id=new_id(),
        tenant_id=tenant_id,
        rule_id=rule.id,
        rule_name=rule.name,
        metric=rule.metric.value,
        threshold=rule.threshold,
        **values,
    )
    session.add(row)
    session.flush()
    return _event(row)


def list_events(
    session: Session, tenant_id: str, limit: int, rule_id: str | None = None
) -> list[AlertEvent]:
    query = select(AlertEventRow).where(AlertEventRow.tenant_id == tenant_id)
    if rule_id is not None:
        query = query.where(AlertEventRow.rule_id == rule_id)
    rows = session.scalars(
        query.order_by(AlertEventRow.created_at.desc(), AlertEventRow.id).limit(limit)
    )
    return [_event(r) for r in rows]
