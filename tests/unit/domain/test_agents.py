"""Canned-reply variables."""

from __future__ import annotations

from frontdesk.domain.agents import fill, unknown_variables


def test_fill_replaces_known_variables_with_any_spacing() -> None:
    body = "Hi {{customer_name}}, {{ agent_name }} here about ticket {{ticket_id}}."
    values = {"customer_name": "Ana", "agent_name": "Sam", "ticket_id": "t1"}
    assert fill(body, values) == "Hi Ana, Sam here about ticket t1."


def test_unknown_variables_are_named_and_left_in_place() -> None:
    assert unknown_variables("Hi {{customer}} and {{ticket_id}} {{order_no}}") == [
        "customer",
        "order_no",
    ]
    assert fill("Order {{order_no}}", {}) == "Order {{order_no}}"
    assert unknown_variables("Plain {single} braces") == []
