"""The budget arithmetic: the higher share counts, reaching a limit uses it up."""

from __future__ import annotations

from datetime import UTC, datetime

from frontdesk.domain.operations import AlertState
from frontdesk.operations.alerts import next_state
from frontdesk.operations.budgets import BudgetStatus

DAY = datetime(2026, 12, 6, tzinfo=UTC)


def test_without_limits_nothing_is_exhausted_and_there_is_no_share() -> None:
    status = BudgetStatus(DAY, 10, 9000, 12.0, None, None)
    assert (status.limited, status.exhausted, status.share_used) == (False, False, None)


def test_the_higher_of_the_token_and_cost_shares_counts() -> None:
    status = BudgetStatus(DAY, 10, 500, 0.9, token_limit=1000, cost_limit=1.0)
    assert status.share_used == 0.9
    assert status.exhausted is False


def test_reaching_either_limit_exactly_uses_the_budget_up() -> None:
    assert BudgetStatus(DAY, 3, 1000, 0.1, 1000, 5.0).exhausted
    assert BudgetStatus(DAY, 3, 10, 5.0, 1000, 5.0).exhausted
    assert BudgetStatus(DAY, 3, 999, 4.99, 1000, 5.0).exhausted is False


def test_the_budget_rule_fires_at_the_threshold_and_others_only_above_it() -> None:
    assert next_state(AlertState.OK, 1.0, 1.0, at_threshold=True) is AlertState.FIRING
    assert next_state(AlertState.OK, 1.0, 1.0) is AlertState.OK
    assert next_state(AlertState.FIRING, 0.9, 1.0, at_threshold=True) is AlertState.FIRING
    assert next_state(AlertState.FIRING, 0.8, 1.0, at_threshold=True) is AlertState.RESOLVED


def test_the_status_says_when_it_resets() -> None:
    shown = BudgetStatus(DAY, 3, 1000, 0.1, 1000, None).to_dict()
    assert shown["day"] == "2026-12-06"
    assert shown["resets_at"] == "2026-12-07T00:00:00+00:00"
    assert shown["exhausted"] is True
