"""A ticket's priority, computed rather than fixed: the handoff sets a base from the
reason and the customer's sentiment (safety and legal threats urgent; asking for a person,
frustration, complaints and repeated failures high; the bot simply not knowing normal);
a frustrated message while waiting raises it to high; and a ticket nobody has taken
climbs a level after 15 minutes of waiting and another after an hour, so the queue's
order follows how long customers have been left alone. A ticket whose customer left
waits for nobody: low, at the end of the queue, until they write again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from frontdesk.domain.handoff import Priority, Ticket, TicketStatus

LEVELS = list(Priority)  # low, normal, high, urgent
# How long an untaken ticket waits before it climbs one level, then two.
WAIT_STEPS = (timedelta(minutes=15), timedelta(hours=1))


def raised(priority: Priority, levels: int) -> Priority:
    return LEVELS[min(LEVELS.index(priority) + levels, len(LEVELS) - 1)]


def at_least(priority: Priority, floor: Priority) -> Priority:
    return priority if LEVELS.index(priority) >= LEVELS.index(floor) else floor


def effective(ticket: Ticket, now: datetime) -> Ticket:
    """``ticket`` with its priority raised by how long it has waited untaken (an assigned
    ticket has a person on it; a resolved one waits for nobody), or lowered to low when its
    customer left (nobody waits for an answer there)."""
    if ticket.customer_left_at is not None and ticket.status is not TicketStatus.RESOLVED:
        return replace(ticket, priority=Priority.LOW)
    if ticket.status is not TicketStatus.OPEN:
        return ticket
    waited = now - ticket.created_at
    steps = sum(1 for step in WAIT_STEPS if waited >= step)
    return replace(ticket, priority=raised(ticket.priority, steps)) if steps else ticket


def rank(ticket: Ticket) -> tuple[int, datetime, str]:
    """The queue's order: most urgent first, then the longest wait."""
    return (-LEVELS.index(ticket.priority), ticket.created_at, ticket.id)
