"""Events cut into NOTIFY-sized parts come back whole, and a gap drops the message."""

from __future__ import annotations

from frontdesk.live.pg_bus import Assembler, encode


def test_a_large_event_is_cut_under_the_notify_limit_and_put_together_again() -> None:
    data = {"text": "é" * 5000 + "🙂" * 3000, "trace": [{"stage": n} for n in range(300)]}
    payloads = encode("replica", "t1", "agents", "turn", data)
    assert len(payloads) > 3
    assert all(len(p.encode()) < 8000 for p in payloads)
    assembler = Assembler()
    results = [assembler.add(p) for p in payloads]
    assert results[:-1] == [None] * (len(payloads) - 1)
    origin, message = results[-1] or ("", {})
    assert origin == "replica"
    assert message == {"t": "t1", "topic": "agents", "event": "turn", "data": data}


def test_parts_of_two_messages_interleaved_are_told_apart() -> None:
    first = encode("a", "t1", "agents", "turn", {"text": "x" * 4000})
    second = encode("b", "t1", "agents", "turn", {"text": "y" * 4000})
    assembler = Assembler()
    done = [r for pair in zip(first, second, strict=True) for p in pair if (r := assembler.add(p))]
    assert [(origin, m["data"]["text"][0]) for origin, m in done] == [("a", "x"), ("b", "y")]


def test_a_message_with_a_missing_part_is_dropped() -> None:
    payloads = encode("a", "t1", "agents", "turn", {"text": "z" * 6000})
    assembler = Assembler()
    assert [assembler.add(p) for p in payloads[:1] + payloads[2:]] == [None] * (len(payloads) - 1)
