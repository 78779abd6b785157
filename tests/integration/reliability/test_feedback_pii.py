"""Feedback and CSAT comments are customer text: PII is redacted before they are stored,
exactly as in messages."""

from __future__ import annotations

from sqlalchemy import create_engine, text

CARD = "4111 1111 1111 1111"
EMAIL = "ann.lee@example.com"


def test_thumbs_and_csat_comments_are_stored_redacted(http, settings, acme) -> None:
    widget = acme.auth("widget")
    conversation = http.post("/v1/conversations", headers=widget).json()["id"]
    answer = http.post(
        f"/v1/conversations/{conversation}/messages",
        json={"text": "How do I reset my password?"},
        headers=widget,
    ).json()

    thumbs = http.post(
        f"/v1/conversations/{conversation}/feedback",
        json={"turn_id": answer["id"], "rating": "down", "comment": f"mail me at {EMAIL}"},
        headers=widget,
    )
    csat = http.post(
        f"/v1/conversations/{conversation}/csat",
        json={"score": 2, "comment": f"charge card {CARD} again?"},
        headers=widget,
    )

    assert thumbs.status_code == csat.status_code == 201, (thumbs.text, csat.text)
    assert EMAIL not in thumbs.text
    assert "<EMAIL" in thumbs.json()["comment"]
    assert CARD not in csat.text
    assert "<CREDIT_CARD" in csat.json()["comment"]
    exported = http.get("/v1/feedback?format=csv", headers=acme.auth("agent")).text
    assert EMAIL not in exported
    assert CARD not in exported
    engine = create_engine(settings.resolved_database_url)
    with engine.connect() as connection:
        stored = [row[0] for row in connection.execute(text("SELECT comment FROM feedback"))]
    engine.dispose()
    assert len(stored) == 2
    assert not any(EMAIL in c or CARD in c for c in stored)
