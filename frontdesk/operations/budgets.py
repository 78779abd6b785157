"""Per-tenant daily LLM budgets: tokens and cost used today against the tenant's limits.

Usage is read from the daily rollups (``tokens`` and ``cost`` counters), which each
assistant turn adds to in the transaction that stores it, so every replica sees the same
usage without a shared cache. A turn checks the budget before it runs: turns already
running when the limit is reached still finish with the LLM, so a burst of concurrent
turns can overshoot by what they use. Days are UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from frontdesk.domain.tenant import TenantSettings
from frontdesk.storage.db import Database
from frontdesk.storage.repos import stats as stats_repo
from frontdesk.storage.repos import tenants as tenants_repo
from frontdesk.storage.tables import utcnow

# What the turn records when the budget forced the extractive path (trace flag and detail).
BUDGET_FLAG = "llm_budget_exhausted"


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    day: datetime  # midnight UTC of the day counted
    turns: int  # assistant turns stored today
    tokens_used: int
    cost_used: float
    token_limit: int | None
    cost_limit: float | None

    @property
    def limited(self) -> bool:
        return self.token_limit is not None or self.cost_limit is not None

    @property
    def share_used(self) -> float | None:
        """The higher of tokens and cost used as a share of its limit; None without limits."""
        shares = []
        if self.token_limit is not None:
            shares.append(self.tokens_used / self.token_limit)
        if self.cost_limit is not None:
            shares.append(self.cost_used / self.cost_limit)
        return round(max(shares), 4) if shares else None

    @property
    def exhausted(self) -> bool:
        return (self.token_limit is not None and self.tokens_used >= self.token_limit) or (
            self.cost_limit is not None and self.cost_used >= self.cost_limit
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "day": self.day.date().isoformat(),
            "resets_at": (self.day + timedelta(days=1)).isoformat(),
            "turns": self.turns,
            "tokens_used": self.tokens_used,
            "token_limit": self.token_limit,
            "cost_used": round(self.cost_used, 6),
            "cost_limit": self.cost_limit,
            "share_used": self.share_used,
            "exhausted": self.exhausted,
        }


def budget_status(
    session: Session, tenant_id: str, settings: TenantSettings, now: datetime
) -> BudgetStatus:
    """Today's usage against ``settings``' limits; no query when the tenant has none."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    used: dict[str, stats_repo.Counter] = {}
    if settings.llm_daily_tokens is not None or settings.llm_daily_cost is not None:
        used = stats_repo.day_totals(session, tenant_id, day, ("turns", "tokens", "cost"))
    return BudgetStatus(
        day,
        turns=used["turns"].count if "turns" in used else 0,
        tokens_used=int(used["tokens"].total) if "tokens" in used else 0,
        cost_used=used["cost"].total if "cost" in used else 0.0,
        token_limit=settings.llm_daily_tokens,
        cost_limit=settings.llm_daily_cost,
    )


class Budgets:
    """A tenant's budget status for the API and CLI."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def status(self, tenant_id: str, now: datetime | None = None) -> BudgetStatus:
        with self._db.transaction() as session:
            settings = tenants_repo.get_tenant(session, tenant_id).settings
            return budget_status(session, tenant_id, settings, now or utcnow())
