"""Per-tenant name lists: a customer's own name, learned from their ticket, is redacted
in that tenant's messages (and only that tenant's), on real storage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from frontdesk.privacy import ErasureRequest
from frontdesk.runtime import Frontdesk
from tests.conftest import on_sqlite_only

# A surname no rule or model here knows as a name, standing where no cue points at it.
MESSAGE = "Rintanen again: the parcel to Oulu still has not arrived."
TICKET = {
    "id": "T-1",
    "subject": "Parcel late",
    "customer_message": "My parcel is late. Thanks, Aino Rintanen (aino.rintanen@example.com)",
    "agent_reply": "Hi Aino, we have opened an investigation; you will hear from us.",
}


def _stored(frontdesk: Frontdesk, tenant_id: str, text: str) -> str:
    conversation = frontdesk.conversations.create(tenant_id)
    frontdesk.conversations.post_message(tenant_id, conversation.id, text)
    return frontdesk.conversations.get(tenant_id, conversation.id).turns[0].text


def test_names_learned_from_ingested_tickets_are_redacted_for_that_tenant_only(
    frontdesk: Frontdesk, acme, globex, tmp_path: Path
) -> None:
    assert "Rintanen" in _stored(frontdesk, acme.id, MESSAGE)  # before: nothing knows it
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text(json.dumps(TICKET) + "\n")
    frontdesk.knowledge.ingest_paths(acme.id, [tickets])
    listed = dict(frontdesk.tenants.names(acme.id))
    assert listed.get("aino rintanen") == "ticket"
    assert frontdesk.tenants.names(globex.id) == []

    stored = _stored(frontdesk, acme.id, MESSAGE)
    assert "Rintanen" not in stored
    assert stored.startswith("<PERSON> again")
    assert "Oulu" in stored  # only the name goes
    lowercase = _stored(frontdesk, acme.id, "this is aino rintanen, any news?")
    assert "rintanen" not in lowercase
    assert "<PERSON>" in lowercase
    # Another tenant's customers are not this tenant's: its messages keep the word.
    assert "Rintanen" in _stored(frontdesk, globex.id, MESSAGE)


def test_erasing_a_customer_id_removes_their_ingested_tickets_and_the_names_they_taught(
    frontdesk: Frontdesk, acme, globex, tmp_path: Path
) -> None:
    theirs = {**TICKET, "customer_id": "crm-77"}
    someone_else = {
        "id": "T-2",
        "customer_id": "crm-78",
        "customer_message": "Where is my invoice? Regards, Oskari Leinonen",
        "agent_reply": "Hi Oskari, it is under Billing.",
    }
    untied = {**TICKET, "id": "T-3", "customer_message": "Late again. Thanks, Ilmari Jokela"}
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("".join(json.dumps(t) + "\n" for t in (theirs, someone_else, untied)))
    for tenant in (acme, globex):
        frontdesk.knowledge.ingest_paths(tenant.id, [tickets])
    assert {"aino rintanen", "oskari leinonen", "ilmari jokela"} <= set(
        dict(frontdesk.tenants.names(acme.id))
    )
    archive = frontdesk.privacy.export(acme.id, customer_id="crm-77")
    assert archive["conversations"] == []  # they never chatted: the archive is their ticket
    assert [t["ticket"] for t in archive["knowledge_tickets"]] == ["T-1"]
    assert "Aino Rintanen" in archive["knowledge_tickets"][0]["customer_message"]

    receipt = frontdesk.privacy.erase(acme.id, ErasureRequest("crm-77", None, None), actor="test")
    assert receipt["removed"]["knowledge_tickets"] == 1
    assert receipt["removed"]["names"] >= 1
    names = set(dict(frontdesk.tenants.names(acme.id)))
    assert not {n for n in names if "rintanen" in n or n == "aino"}
    assert {"oskari leinonen", "ilmari jokela"} <= names  # others, and the untied row, stay
    assert "Rintanen" in _stored(frontdesk, acme.id, MESSAGE)
    (document,) = frontdesk.knowledge.list_documents(acme.id)
    assert document.chunk_count == 2
    hits = [p.text for p in frontdesk.search(acme.id, "Aino Rintanen parcel late", 10)]
    assert not any("Rintanen" in text for text in hits)
    # The same customer id at another company is another customer.
    assert "aino rintanen" in dict(frontdesk.tenants.names(globex.id))
    assert frontdesk.privacy.export(globex.id, customer_id="crm-77")["knowledge_tickets"]


def test_an_agent_greeting_on_a_ticket_and_a_tenant_added_name_are_listed(
    frontdesk: Frontdesk, acme
) -> None:
    conversation = frontdesk.conversations.create(acme.id)
    frontdesk.conversations.post_message(acme.id, conversation.id, "Where is my refund?")
    ticket = frontdesk.handoff.request_person(acme.id, conversation.id)
    agent = frontdesk.tenants.authenticate(acme.agent)
    frontdesk.handoff.reply(agent, ticket.id, "Hi Vsevolod, the refund went out today.")
    assert ("vsevolod", "ticket") in frontdesk.tenants.names(acme.id)
    assert "Vsevolod" not in _stored(frontdesk, acme.id, "Vsevolod is asking about it again.")
    # Erasing the conversation erases the name its ticket taught the list.
    receipt = frontdesk.privacy.erase(
        acme.id, ErasureRequest(None, conversation.id, None), actor="test"
    )
    assert receipt["removed"]["names"] == 1
    assert "vsevolod" not in dict(frontdesk.tenants.names(acme.id))

    assert frontdesk.tenants.add_names(acme.id, ["Kaisa Mäkelä", "Vsevolod"]) == 2
    assert frontdesk.tenants.add_names(acme.id, ["VSEVOLOD"]) == 0
    assert dict(frontdesk.tenants.names(acme.id))["vsevolod"] == "tenant"
    stored = _stored(frontdesk, acme.id, "KAISA MÄKELÄ wrote to us; Mäkelä wants a call back.")
    assert "Mäkelä" not in stored
    assert "MÄKELÄ" not in stored
    # English words of a listed name count only inside the full name.
    frontdesk.tenants.add_names(acme.id, ["Will Grant"])
    assert _stored(frontdesk, acme.id, "Will the grant cover shipping?") == (
        "Will the grant cover shipping?"
    )
    assert frontdesk.tenants.remove_names(acme.id, ["kaisa  mäkelä"]) == 1
    assert "kaisa mäkelä" not in dict(frontdesk.tenants.names(acme.id))


@on_sqlite_only
def test_guard_check_and_privacy_names_cli_use_the_tenant_list(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme
) -> None:
    binary = str(Path(sys.executable).parent / "frontdesk")

    def run(*args: str) -> str:
        return subprocess.run(
            [binary, *args], env=cli_env, capture_output=True, text=True, timeout=180, check=True
        ).stdout

    before = json.loads(run("guard", "check", "--tenant", "acme", "--json", MESSAGE))
    assert not any(span["label"] == "PERSON" for span in before["pii"])
    added = json.loads(run("privacy", "names", "--tenant", "acme", "--add", "Rintanen", "--json"))
    assert added["added"] == 1
    assert {"name": "rintanen", "source": "tenant"} in added["names"]
    after = json.loads(run("guard", "check", "--tenant", "acme", "--json", MESSAGE))
    (person,) = [span for span in after["pii"] if span["label"] == "PERSON"]
    assert MESSAGE[person["start"] : person["end"]] == "Rintanen"
