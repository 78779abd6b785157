"""The LLM generator never sees a resolved ticket's text: the retrieve stage keeps
tickets out of the passages it passes on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.llm.testing import MisbehavingServer
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.turns import llm_release

pytestmark = pytest.mark.slow

ARTICLE = """# Tracking hasn't updated
<!-- url: https://help.example.com/tracking-stuck -->

If tracking has not changed for 5 business days within Germany, start an investigation:
go to Shipments, open the parcel and select Report a problem.
"""
TICKET = {
    "id": "T-1001",
    "subject": "Parcel not moving for a week",
    "customer_message": "My parcel has been in transit for a week and is not moving. - Jane",
    "agent_reply": "Hi Jane, we've opened an investigation (reference INQ-40211).",
}


@pytest.fixture
def llm_frontdesk(settings: Settings, garbage: MisbehavingServer) -> Iterator[Frontdesk]:
    provider = garbage.provider("ok", max_retries=0).model_dump(mode="json")
    instance = Frontdesk(settings, release=llm_release([provider], decide_threshold=0.01))
    instance.init()
    instance.warm_up()
    yield instance
    instance.close()


def test_llm_generator_gets_no_ticket_passages(
    llm_frontdesk: Frontdesk, garbage: MisbehavingServer, tmp_path: Path
) -> None:
    tenant = llm_frontdesk.tenants.create_tenant("acme")
    (tmp_path / "tracking.md").write_text(ARTICLE)
    (tmp_path / "tickets.jsonl").write_text(json.dumps(TICKET) + "\n")
    llm_frontdesk.knowledge.ingest_paths(tenant.id, [tmp_path])
    found = llm_frontdesk.search(tenant.id, "parcel in transit for a week, not moving", 5)
    assert "ticket" in found[0].metadata  # the ticket is the best match: it must be held back
    ticket_chunk = found[0].chunk_id

    conversation = llm_frontdesk.conversations.create(tenant.id)
    turn = llm_frontdesk.conversations.post_message(
        tenant.id, conversation.id, "my parcel has been in transit for a week and not moving"
    ).turn
    assert garbage.hits["ok"] >= 1  # the LLM generator was asked
    retrieve = next(s for s in turn.trace if s["name"] == "retrieve")
    assert ticket_chunk not in retrieve["detail"]["chunk_ids"]
    assert retrieve["detail"]["tickets"][0]["ticket"] == "T-1001"
    assert ticket_chunk not in {c["chunk_id"] for c in turn.citations}
    assert "Jane" not in turn.text
    assert "INQ-40211" not in turn.text
