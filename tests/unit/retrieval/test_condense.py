from __future__ import annotations

from frontdesk.pipeline.state import HistoryTurn
from frontdesk.retrieval.condense import CondenseOptions, condense, is_follow_up
from frontdesk.retrieval.text import estimate_tokens

HISTORY = [
    HistoryTurn("customer", "How do I export my invoices from the billing page?"),
    HistoryTurn("assistant", "Open Billing, choose Invoices and click Export as CSV."),
    HistoryTurn("customer", "Does that include the VAT number?"),
    HistoryTurn("assistant", "Yes, the VAT number is a column of the export."),
]


def test_follow_up_borrows_the_earlier_customer_turns() -> None:
    query = condense("And for annual plans?", HISTORY)
    assert query.startswith("And for annual plans?")
    assert "VAT" in query
    assert "invoices" in query


def test_most_recent_turns_win_when_the_budget_is_tight() -> None:
    query = condense("And for annual plans?", HISTORY, CondenseOptions(budget_tokens=20))
    assert "VAT" in query
    assert "billing" not in query.lower()
    assert estimate_tokens(query.replace("\n", " ")) <= 24


def test_baseline_strategies() -> None:
    assert condense("And for annual plans?", HISTORY, CondenseOptions(strategy="last")) == (
        "And for annual plans?"
    )
    everything = condense("x?", HISTORY, CondenseOptions(strategy="all_user"))
    assert everything.splitlines() == [HISTORY[0].text, HISTORY[2].text, "x?"]


def test_assistant_terms_only_when_asked_and_only_for_follow_ups() -> None:
    plain = condense("What about it?", HISTORY)
    borrowed = condense("What about it?", HISTORY, CondenseOptions(agent_terms=3))
    assert "column" not in plain
    assert "column" in borrowed or "export" in borrowed


def test_no_history_returns_the_message() -> None:
    assert condense("Where is my order?", []) == "Where is my order?"


def test_follow_up_detection() -> None:
    assert is_follow_up("and the other one?")
    assert is_follow_up("What happens to my data if I delete it after the trial ends?")
    assert not is_follow_up("What happens to my account data when the free trial period ends?")
