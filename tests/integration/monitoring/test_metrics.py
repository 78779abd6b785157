"""/metrics counts turns, stage timings, guard flags, escalations, feedback and requests."""

from __future__ import annotations

import re


def _value(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_what_happened(client, acme) -> None:
    cid = client.post("/v1/conversations", headers=acme.auth("widget")).json()["id"]
    url = f"/v1/conversations/{cid}/messages"
    answer = client.post(
        url,
        # a question, not a request only a person can fulfil (that would hand off at once)
        json={"text": "Can I pay with my card 4111 1111 1111 1111?"},
        headers=acme.auth("widget"),
    ).json()
    client.post(url, json={"text": "I need to speak to a human"}, headers=acme.auth("widget"))
    client.post(f"/v1/conversations/{cid}/csat", json={"score": 4}, headers=acme.auth("widget"))
    text = client.get("/metrics").text
    assert _value(text, "frontdesk_turns_total", outcome=answer["outcome"]) >= 1
    assert _value(text, "frontdesk_turns_total", outcome="handoff") == 1
    assert _value(text, "frontdesk_escalations_total", reason="requested_human") == 1
    assert (
        _value(text, "frontdesk_stage_flags_total", stage="input_guard", flag="pii_redacted") == 1
    )
    assert _value(text, "frontdesk_stage_seconds_count", stage="retrieve") >= 1
    assert _value(text, "frontdesk_feedback_total", kind="csat", value="4") == 1
    assert (
        _value(
            text,
            "frontdesk_http_request_seconds_count",
            route="/v1/conversations/{conversation_id}/messages",
            method="POST",
            status="201",
        )
        == 2
    )
    assert cid not in text  # route templates, never raw ids
