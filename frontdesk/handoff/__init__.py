"""Handoff to people, end to end: when to escalate, tickets, summaries, feedback and
promotion of a resolved answer to knowledge."""
