"""operations: stats rollups, alert rules and history, webhooks and deliveries

Revision ID: 0011_operations
Revises: 0009_release_registry
Create Date: 2026-12-06 01:00:00.000000
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011_operations"
down_revision = "0009_release_registry"
branch_labels = None
depends_on = None


def _tenant_fk() -> sa.ForeignKey:
    return sa.ForeignKey("tenants.id", ondelete="CASCADE")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "stats_hourly",
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("release_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(120), primary_key=True),
        _ts("day"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
    )
    op.create_table(
        "stats_daily",
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), primary_key=True),
        sa.Column("day", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("release_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
    )
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("min_sample", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_value", sa.Float(), nullable=True),
        sa.Column("last_sample", sa.Integer(), nullable=False),
        _ts("last_evaluated_at", nullable=True),
        _ts("next_run_at"),
        _ts("created_at"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_alert_rules_name"),
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column("rule_id", sa.String(32), nullable=False),
        sa.Column("rule_name", sa.String(100), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("sample", sa.Integer(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_alert_events_tenant_created", "alert_events", ["tenant_id", "created_at"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_webhooks_tenant", "webhooks", ["tenant_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("tenant_id", sa.String(32), _tenant_fk(), nullable=False),
        sa.Column(
            "webhook_id",
            sa.String(32),
            sa.ForeignKey("webhooks.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("delivered_at", nullable=True),
        _ts("created_at"),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_webhook",
        "webhook_deliveries",
        ["tenant_id", "webhook_id", "created_at"],
    )
    op.create_index("ix_turns_tenant_created", "turns", ["tenant_id", "created_at"])
    _seed_default_rules()


# The default alert rules of frontdesk/operations/alerts.py as they were at this revision,
# for tenants created before it (new tenants get them from the code).
_DEFAULT_RULES = (
    ("Confidence dropped", "confidence_drop", 0.10, 60, 50),
    ("Slow answers", "p95_latency_ms", 5000.0, 60, 20),
    ("Safety triggers", "safety_trigger_rate", 0.01, 60, 100),
    ("Escalations above target", "escalation_rate", 0.30, 60, 50),
    ("Errors", "error_rate", 0.05, 60, 50),
)


def _seed_default_rules() -> None:
    connection = op.get_bind()
    tenants = [row[0] for row in connection.execute(sa.text("SELECT id FROM tenants"))]
    now = datetime.now(UTC)
    rules = sa.table(
        "alert_rules",
        *(sa.column(name, sa.String()) for name in ("id", "tenant_id", "name", "metric", "state")),
        sa.column("threshold", sa.Float()),
        *(
            sa.column(name, sa.Integer())
            for name in ("window_minutes", "min_sample", "last_sample")
        ),
        sa.column("enabled", sa.Boolean()),
        *(sa.column(name, sa.DateTime(timezone=True)) for name in ("next_run_at", "created_at")),
    )
    rows = [
        {
            "id": uuid.uuid4().hex,
            "tenant_id": tenant_id,
            "name": name,
            "metric": metric,
            "threshold": threshold,
            "window_minutes": window,
            "min_sample": sample,
            "enabled": True,
            "state": "ok",
            "last_sample": 0,
            "next_run_at": now,
            "created_at": now,
        }
        for tenant_id in tenants
        for name, metric, threshold, window, sample in _DEFAULT_RULES
    ]
    if rows:
        op.bulk_insert(rules, rows)


def downgrade() -> None:
    op.drop_index("ix_turns_tenant_created", table_name="turns")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("alert_events")
    op.drop_table("alert_rules")
    op.drop_table("stats_daily")
    op.drop_table("stats_hourly")
