"""An FAQ entry an agent approves answers the question it was written for, through the
API and the default release (real embedder, database and HTTP app): found using the
console, where "is there a limit on how many gift cards i can buy at once" was still
declined after the agent approved "There is no limit on how many gift cards you can buy
per order." (the answer states no number, so the gift-card article's "3 years" answered
instead and the existence check withheld it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TenantKeys

pytestmark = pytest.mark.slow

GIFT_CARDS = """# Parcelly gift cards
<!-- url: https://help.example.com/gift-cards -->

Give someone Parcelly credit. Gift cards are sold in amounts of €10, €25, €50 and €100.

## Rules

- Gift cards are valid for 3 years from the purchase date.
- A gift card can be redeemed once, by one account.
"""


def test_an_approved_faq_entry_answers_its_question(
    client: TestClient, acme: TenantKeys, ingest_helpcenter: Callable[[dict[str, str]], str]
) -> None:
    ingest_helpcenter({"gift-cards.md": GIFT_CARDS})
    approved = client.post(
        "/v1/knowledge/faq",
        headers=acme.auth("agent"),
        json={
            "question": "Is there a limit on how many gift cards I can buy?",
            "answer": "There is no limit on how many gift cards you can buy per order.",
        },
    )
    assert approved.status_code == 201, approved.text

    conversation = client.post("/v1/conversations", headers=acme.auth("admin"), json={})
    turn = client.post(
        f"/v1/conversations/{conversation.json()['id']}/messages",
        headers=acme.auth("admin"),
        json={"text": "is there a limit on how many gift cards i can buy at once"},
    ).json()
    decide = next(stage for stage in turn["trace"] if stage["name"] == "decide")
    assert "existence_unnamed" not in decide["detail"], decide
    assert turn["outcome"] == "answered", turn
    assert turn["text"].startswith("There is no limit on how many gift cards"), turn["text"]
    assert turn["citations"][0]["title"] == "Is there a limit on how many gift cards I can buy?"
