"""Alert rules: the seed's defaults, what each metric measures, the state machine, and
the evaluation a background loop runs on every replica.

A rule fires when its value goes above the threshold over its window (with at least
``min_sample`` turns; for a rate, when the rate is above it beyond chance: the lower end
of its 99% Wilson interval), and resolves only once the value is back below the
threshold by a margin (``HYSTERESIS``), so a value hovering at the line does not flap.
Each period one replica evaluates a rule: it must win the compare-and-set on the rule's
``next_run_at``.
State changes go to the history and, in the same transaction, to the webhook outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.operations import AlertEvent, AlertMetric, AlertRule, AlertState
from frontdesk.errors import InvalidInputError
from frontdesk.monitoring.intervals import wilson
from frontdesk.operations.budgets import budget_status
from frontdesk.operations.summary import percentile_ms
from frontdesk.operations.webhooks import enqueue_event
from frontdesk.storage.db import Database
from frontdesk.storage.repos import alerts as repo
from frontdesk.storage.repos import stats as stats_repo
from frontdesk.storage.repos import stats_reads
from frontdesk.storage.repos import tenants as tenants_repo
from frontdesk.storage.repos.stats import Counter
from frontdesk.storage.tables import utcnow

log = logging.getLogger(__name__)

HYSTERESIS = 0.2  # resolve at 80% of the threshold
PREVIOUS_WEEK = timedelta(days=7)
MAX_WINDOW_MINUTES = 7 * 24 * 60


@dataclass(frozen=True, slots=True)
class RuleSpec:
    name: str
    metric: AlertMetric
    threshold: float
    window_minutes: int = 60
    min_sample: int = 50


# The seed's monitoring thresholds (Q24), plus escalation and errors.
DEFAULT_RULES = (
    RuleSpec("Confidence dropped", AlertMetric.CONFIDENCE_DROP, 0.10, 60, 50),
    RuleSpec("Slow answers", AlertMetric.P95_LATENCY_MS, 5000.0, 60, 20),
    RuleSpec("Safety triggers", AlertMetric.SAFETY_TRIGGER_RATE, 0.01, 60, 100),
    RuleSpec("Escalations above target", AlertMetric.ESCALATION_RATE, 0.30, 60, 50),
    RuleSpec("Errors", AlertMetric.ERROR_RATE, 0.05, 60, 50),
)


# Added when a tenant first gets an LLM budget (not seeded: most tenants have none).
BUDGET_RULE = RuleSpec("LLM budget used up", AlertMetric.LLM_BUDGET_USED, 1.0, 24 * 60, 1)

# Rate rules fire on evidence, not on noise: the lower end of the 99% Wilson interval of
# the rate must be above the threshold (a 1% rule on 300 turns needs about 3% observed).
WILSON_Z = 2.576


@dataclass(frozen=True, slots=True)
class Measurement:
    value: float | None  # None: not enough data to judge
    sample: int
    # What firing is judged on: ``value``, or for rates the interval's lower bound.
    evidence: float | None = None

    @property
    def firing_value(self) -> float | None:
        return self.evidence if self.evidence is not None else self.value


def _count(counters: dict[str, Counter], name: str) -> int:
    found = counters.get(name)
    return found.count if found else 0


def measure(
    metric: AlertMetric,
    current: dict[str, Counter],
    previous: dict[str, Counter],
    min_sample: int,
) -> Measurement:
    """The rule's value over its window (``previous``: the same window a week earlier)."""
    turns = _count(current, "turns")
    if turns < min_sample:
        return Measurement(None, turns)
    if metric is AlertMetric.CONFIDENCE_DROP:
        now, before = current.get("confidence"), previous.get("confidence")
        if not now or not before or before.count < min_sample or before.total <= 0:
            return Measurement(None, turns)
        drop = 1 - (now.total / now.count) / (before.total / before.count)
        return Measurement(round(drop, 4), turns)
    if metric is AlertMetric.P95_LATENCY_MS:
        return Measurement(percentile_ms(current, 0.95), turns)
    part = {
        AlertMetric.SAFETY_TRIGGER_RATE: "safety",
        AlertMetric.ESCALATION_RATE: "outcome:handoff",
        AlertMetric.ERROR_RATE: "errors",
    }[metric]
    count = _count(current, part)
    return Measurement(round(count / turns, 4), turns, round(wilson(count, turns, WILSON_Z)[0], 4))


def next_state(
    state: AlertState,
    value: float | None,
    threshold: float,
    evidence: float | None = None,
    *,
    at_threshold: bool = False,
) -> AlertState:
    """Fire when the evidence (else the value) is above the threshold (or reaches it,
    with ``at_threshold``); resolve only once the value is below it by the hysteresis
    margin."""
    if value is None:
        return state
    firing_value = evidence if evidence is not None else value
    over = firing_value >= threshold if at_threshold else firing_value > threshold
    if state is not AlertState.FIRING and over:
        return AlertState.FIRING
    if state is AlertState.FIRING and value <= threshold * (1 - HYSTERESIS):
        return AlertState.RESOLVED
    return state


def validated(changes: dict[str, Any]) -> dict[str, Any]:
    """Rule fields checked (422 naming the field); ``metric`` as its string value."""
    out = dict(changes)
    if "metric" in out:
        try:
            out["metric"] = AlertMetric(out["metric"]).value
        except ValueError:
            names = ", ".join(m.value for m in AlertMetric)
            raise InvalidInputError(f"metric must be one of: {names}", field="metric") from None
    if "name" in out and not str(out["name"]).strip():
        raise InvalidInputError("name must not be empty", field="name")
    if "threshold" in out and not float(out["threshold"]) >= 0:
        raise InvalidInputError("threshold must be 0 or more", field="threshold")
    window = out.get("window_minutes")
    if window is not None and not 1 <= int(window) <= MAX_WINDOW_MINUTES:
        raise InvalidInputError(
            f"window_minutes must be between 1 and {MAX_WINDOW_MINUTES}", field="window_minutes"
        )
    if "min_sample" in out and int(out["min_sample"]) < 1:
        raise InvalidInputError("min_sample must be at least 1", field="min_sample")
    return out


def seed_default_rules(session: Session, tenant_id: str) -> None:
    """Give a new tenant the default rules (inside its creating transaction)."""
    for spec in DEFAULT_RULES:
        _create(session, tenant_id, spec)


def ensure_budget_rule(session: Session, tenant_id: str) -> None:
    """Add the budget rule unless the tenant has a rule on that metric already."""
    if not any(r.metric is BUDGET_RULE.metric for r in repo.list_rules(session, tenant_id)):
        _create(session, tenant_id, BUDGET_RULE)


def _create(session: Session, tenant_id: str, spec: RuleSpec) -> None:
    repo.create_rule(
        session,
        tenant_id,
        name=spec.name,
        metric=spec.metric.value,
        threshold=spec.threshold,
        window_minutes=spec.window_minutes,
        min_sample=spec.min_sample,
        enabled=True,
    )


class AlertDesk:
    """Rules (CRUD), the history, and the evaluation of due rules."""

    def __init__(self, database: Database, period: timedelta = timedelta(minutes=1)) -> None:
        self._db = database
        self.period = period

    def rules(self, tenant_id: str) -> list[AlertRule]:
        with self._db.transaction() as session:
            return repo.list_rules(session, tenant_id)

    def create(self, tenant_id: str, **values: Any) -> AlertRule:
        with self._db.transaction() as session:
            return repo.create_rule(session, tenant_id, **validated(values))

    def update(self, tenant_id: str, rule_id: str, **changes: Any) -> AlertRule:
        with self._db.transaction() as session:
            return repo.update_rule(session, tenant_id, rule_id, **validated(changes))

    def delete(self, tenant_id: str, rule_id: str) -> None:
        with self._db.transaction() as session:
            repo.delete_rule(session, tenant_id, rule_id)

    def history(
        self, tenant_id: str, limit: int = 100, rule_id: str | None = None
    ) -> list[AlertEvent]:
        with self._db.transaction() as session:
            return repo.list_events(session, tenant_id, limit, rule_id)

    def evaluate_due(self, now: datetime | None = None, limit: int = 500) -> int:
        """Evaluate every due rule this replica can claim; returns how many it evaluated."""
        now = now or utcnow()
        with self._db.transaction() as session:
            due = repo.due_rules(session, now, limit)
        done = 0
        for tenant_id, rule_id in due:
            with self._db.transaction() as session:
                if not repo.claim(session, tenant_id, rule_id, now, now + self.period):
                    continue  # another replica took this period
                self._evaluate(session, tenant_id, repo.get_rule(session, tenant_id, rule_id), now)
                done += 1
        return done

    def _evaluate(self, session: Session, tenant_id: str, rule: AlertRule, now: datetime) -> None:
        start = stats_repo.hour_of(now - timedelta(minutes=rule.window_minutes))
        end = stats_repo.hour_of(now) + timedelta(hours=1)
        if rule.metric is AlertMetric.LLM_BUDGET_USED:
            measured = self._budget(session, tenant_id, now)
        else:
            current = stats_reads.totals(session, tenant_id, start, end, None)
            previous = (
                stats_reads.totals(
                    session, tenant_id, start - PREVIOUS_WEEK, end - PREVIOUS_WEEK, None
                )
                if rule.metric is AlertMetric.CONFIDENCE_DROP
                else {}
            )
            measured = measure(rule.metric, current, previous, rule.min_sample)
        state = next_state(
            rule.state,
            measured.value,
            rule.threshold,
            measured.evidence,
            at_threshold=rule.metric is AlertMetric.LLM_BUDGET_USED,
        )
        repo.record_evaluation(
            session,
            tenant_id,
            rule.id,
            state=state,
            value=measured.value,
            sample=measured.sample,
            now=now,
        )
        if state is rule.state:
            return
        event = repo.add_event(
            session,
            tenant_id,
            rule,
            state=state.value,
            value=measured.value,
            sample=measured.sample,
            created_at=now,
        )
        log.warning(
            "alert %s tenant=%s rule=%s metric=%s value=%s threshold=%s",
            state.value,
            tenant_id,
            rule.id,
            rule.metric.value,
            measured.value,
            rule.threshold,
        )
        enqueue_event(
            session,
            tenant_id,
            f"alert.{state.value}",
            {
                "rule_id": rule.id,
                "rule_name": rule.name,
                "metric": rule.metric.value,
                "state": state.value,
                "value": measured.value,
                "threshold": rule.threshold,
                "sample": measured.sample,
                "window_minutes": rule.window_minutes,
            },
            event_id=event.id,
            now=now,
        )

    @staticmethod
    def _budget(session: Session, tenant_id: str, now: datetime) -> Measurement:
        """Today's share of the budget (the window and minimum sample do not apply);
        nothing to judge while the tenant has no budget."""
        settings = tenants_repo.get_tenant(session, tenant_id).settings
        status = budget_status(session, tenant_id, settings, now)
        return Measurement(status.share_used, status.turns)
