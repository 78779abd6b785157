"""A ticket's computed priority: its base, raised while nobody takes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from frontdesk.domain.handoff import Priority, Ticket, TicketStatus
from frontdesk.handoff.priority import at_least, effective, rank

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _ticket(priority: Priority, waited: timedelta, status: TicketStatus = TicketStatus.OPEN):
    created = NOW - waited
    return Ticket(
        id=f"t-{priority.value}-{int(waited.total_seconds())}",
        tenant_id="t",
        conversation_id="c",
        status=status,
        reason="low_confidence",
        priority=priority,
        summary="",
        assignee_key_id=None,
        assignee_name=None,
        created_at=created,
        updated_at=created,
        resolved_at=None,
    )


def test_an_untaken_ticket_climbs_a_level_after_15_minutes_and_another_after_an_hour() -> None:
    assert effective(_ticket(Priority.LOW, timedelta(minutes=14)), NOW).priority is Priority.LOW
    assert effective(_ticket(Priority.LOW, timedelta(minutes=15)), NOW).priority is Priority.NORMAL
    assert effective(_ticket(Priority.LOW, timedelta(minutes=61)), NOW).priority is Priority.HIGH
    assert effective(_ticket(Priority.HIGH, timedelta(hours=5)), NOW).priority is Priority.URGENT


def test_taken_and_resolved_tickets_keep_their_priority() -> None:
    for status in (TicketStatus.ASSIGNED, TicketStatus.RESOLVED):
        ticket = _ticket(Priority.NORMAL, timedelta(hours=3), status)
        assert effective(ticket, NOW).priority is Priority.NORMAL


def test_a_ticket_whose_customer_left_waits_for_nobody() -> None:
    for status in (TicketStatus.OPEN, TicketStatus.ASSIGNED):
        left = replace(_ticket(Priority.URGENT, timedelta(hours=3), status), customer_left_at=NOW)
        assert effective(left, NOW).priority is Priority.LOW
    resolved = _ticket(Priority.HIGH, timedelta(hours=3), TicketStatus.RESOLVED)
    assert effective(replace(resolved, customer_left_at=NOW), NOW).priority is Priority.HIGH


def test_queue_order_is_most_urgent_then_longest_wait() -> None:
    tickets = [
        _ticket(Priority.NORMAL, timedelta(minutes=1)),
        _ticket(Priority.HIGH, timedelta(minutes=2)),
        _ticket(Priority.NORMAL, timedelta(minutes=5)),
        _ticket(Priority.URGENT, timedelta(minutes=0)),
    ]
    ordered = sorted(tickets, key=rank)
    assert [(t.priority, t.created_at) for t in ordered] == [
        (Priority.URGENT, NOW),
        (Priority.HIGH, NOW - timedelta(minutes=2)),
        (Priority.NORMAL, NOW - timedelta(minutes=5)),
        (Priority.NORMAL, NOW - timedelta(minutes=1)),
    ]


def test_at_least_never_lowers() -> None:
    assert at_least(Priority.URGENT, Priority.HIGH) is Priority.URGENT
    assert at_least(Priority.NORMAL, Priority.HIGH) is Priority.HIGH
