"""``frontdesk.client`` against a real uvicorn server: a customer's conversation (plain and
streamed), feedback and handoff, the agent's side, named agents with canned replies and
notes, knowledge and jobs, releases and rollouts, stats, and the API's errors as one
typed exception; the async client too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from frontdesk.api.app import create_app
from frontdesk.api.schemas import AssigneePublic
from frontdesk.client import AsyncClient, Client, FrontdeskAPIError
from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import serve
from frontdesk.testing.releases import as_text, release_document
from frontdesk.testing.wait import wait_for

FAQ = Path(__file__).resolve().parents[2] / "data" / "eval_helpcenter" / "faq.csv"
PASSWORD = "correct horse battery"


@pytest.fixture
def base_url(frontdesk: Frontdesk):
    with serve(create_app(instance=frontdesk)) as url:
        yield url


def test_a_customer_and_an_agent_through_the_client(base_url: str, acme) -> None:
    with (
        Client(base_url, acme.admin) as admin,
        Client(base_url, acme.widget) as widget,
        Client(base_url, acme.agent) as agent,
    ):
        assert admin.health()["status"] == "ok"
        assert admin.me().role == "admin"

        job = admin.upload_documents([("faq.csv", FAQ.read_bytes(), "text/csv")])
        done = wait_for(
            lambda: (j := admin.get_job(job.id)).status in {"succeeded", "failed"} and j,
            timeout_s=120,
            what="the ingest job",
        )
        assert done.status == "succeeded", done.error
        assert [d for d in admin.list_documents() if d.uri.endswith("faq.csv")]
        assert admin.search("reset my password", k=3)

        conversation = widget.create_conversation(customer_id="cust-1")
        turn = widget.post_message(conversation.id, "How do I reset my password?")
        assert turn.role == "assistant"
        assert turn.text
        assert widget.get_conversation(conversation.id).turns[-1].id == turn.id
        events = list(widget.stream_message(conversation.id, "And how do I change my email?"))
        names = [e.event for e in events]
        assert (names[0], names[-1]) == ("accepted", "final"), names
        assert events[-1].data["role"] == "assistant"

        thumbs = widget.thumbs(conversation.id, turn.id, "up", comment="clear")
        assert thumbs.kind == "thumbs"
        assert widget.csat(conversation.id, 5).value == 5
        ticket = widget.request_person(conversation.id)

        assert ticket.id in {t.id for t in agent.list_tickets(status="active")}
        assert agent.assign_ticket(ticket.id).status == "assigned"
        reply = agent.reply_to_ticket(ticket.id, "A person here: done for you.")
        assert reply.role == "agent"
        assert agent.get_ticket(ticket.id).id == ticket.id
        assert agent.resolve_ticket(ticket.id).status == "resolved"
        assert len(agent.list_feedback()) == 2
        assert agent.export_feedback("csv").startswith("id,")

        stats = agent.stats_summary(
            datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
        )
        assert stats["turns"] >= 2
        budget = agent.budget()  # no LLM in the default release: nothing spent, no limit
        assert budget.tokens_used == 0
        assert budget.token_limit is None
        assert not budget.exhausted


def test_named_agents_share_a_ticket_with_canned_replies_and_notes(base_url: str, acme) -> None:
    with Client(base_url, acme.admin) as admin, Client(base_url) as nobody:
        sam = admin.create_agent("Sam Rivera", "sam@acme.example", password=PASSWORD)
        kim = admin.create_agent("Kim", "kim@acme.example")
        assert (sam.has_password, kim.has_password) == (True, False)
        signed = nobody.sign_in("acme", "sam@acme.example", PASSWORD)
        assert signed.agent.id == sam.id
        with pytest.raises(FrontdeskAPIError) as wrong:
            nobody.sign_in("acme", "sam@acme.example", "not the password")
        assert wrong.value.status == 401
        kim_key = admin.issue_agent_key(kim.id)
        assert kim_key.agent.name == "Kim"

    with (
        Client(base_url, acme.admin) as admin,
        Client(base_url, acme.widget) as widget,
        Client(base_url, signed.key) as sam_api,
        Client(base_url, kim_key.key) as kim_api,
    ):
        assert sam_api.me().agent_id == sam.id
        assert sorted(a.name for a in kim_api.list_agents()) == ["Kim", "Sam Rivera"]
        conversation = widget.create_conversation(metadata={"customer_name": "Ada"})
        ticket = widget.request_person(conversation.id)
        other = widget.request_person(widget.create_conversation().id)

        unassigned = sam_api.list_tickets(owner="unassigned", q=ticket.id)
        assert [t.id for t in unassigned] == [ticket.id]
        assert sam_api.assign_ticket(ticket.id).assignee == AssigneePublic(
            key_id=sam.id, name="Sam Rivera"
        )
        assert [t.id for t in sam_api.list_tickets(owner="mine")] == [ticket.id]
        assert [t.id for t in sam_api.list_tickets(owner="unassigned")] == [other.id]
        assert kim_api.list_tickets(owner="mine") == []

        canned = sam_api.create_canned_reply(
            "Greeting", "Hi {{customer_name}}, {{agent_name}} here."
        )
        assert admin.update_canned_reply(canned.id, title="Hello").title == "Hello"
        assert [(c.title, c.created_by) for c in kim_api.list_canned_replies()] == [
            ("Hello", canned.created_by)
        ]
        text = sam_api.render_canned_reply(ticket.id, canned.id).text
        assert text == "Hi Ada, Sam Rivera here."
        assert sam_api.reply_to_ticket(ticket.id, text).text == text
        with pytest.raises(FrontdeskAPIError) as unknown:
            sam_api.create_canned_reply("Bad", "Hi {{nickname}}")
        assert (unknown.value.status, unknown.value.field) == (422, "body")

        note = sam_api.add_note(ticket.id, "Asked twice already; be quick.")
        assert note.author_name == "Sam Rivera"
        assert [(n.id, n.text) for n in kim_api.list_notes(ticket.id)] == [(note.id, note.text)]
        assert text not in {n.text for n in kim_api.list_notes(ticket.id)}

        handed = sam_api.assign_ticket(ticket.id, agent_id=kim.id)
        assert handed.assignee is not None
        assert handed.assignee.name == "Kim"
        with pytest.raises(FrontdeskAPIError) as not_theirs:
            sam_api.unassign_ticket(ticket.id)
        assert not_theirs.value.status == 403
        back = kim_api.unassign_ticket(ticket.id)
        assert (back.status, back.assignee) == ("open", None)

        assert sam_api.delete_canned_reply(canned.id).id == canned.id
        assert sam_api.list_canned_replies() == []
        assert admin.update_agent(kim.id, disabled=True).active is False
        with pytest.raises(FrontdeskAPIError) as disabled:
            kim_api.list_tickets()
        assert disabled.value.status == 401
        assert sam_api.sign_out() is None
        with pytest.raises(FrontdeskAPIError) as signed_out:
            sam_api.me()
        assert signed_out.value.status == 401


def test_releases_and_rollouts_through_the_client(base_url: str, acme) -> None:
    with Client(base_url, acme.admin) as admin:
        created = admin.create_release(as_text(release_document("twin")), label="candidate")
        assert created["id"] == "twin@1"
        assert [r["id"] for r in admin.list_releases()["releases"]] == ["twin@1"]
        assert "stages" in admin.export_release("twin@1")
        started = admin.start_rollout("twin@1", "shadow", 100)
        assert (started["mode"], started["state"]) == ("shadow", "running")
        assert admin.rollout_status()["shadow_samples"] == {"run": 0, "dropped": 0}
        assert admin.stop_rollout()["state"] == "stopped"
        assert admin.list_audit()["entries"]


def test_refusals_raise_one_typed_error_with_the_api_body(base_url: str, acme) -> None:
    with Client(base_url, acme.widget) as widget:
        with pytest.raises(FrontdeskAPIError) as missing:
            widget.get_conversation("no-such-conversation")
        assert (missing.value.status, missing.value.code) == (404, "not_found")
        assert missing.value.message
        conversation = widget.create_conversation()
        with pytest.raises(FrontdeskAPIError) as invalid:
            widget.csat(conversation.id, 9)
        assert invalid.value.status == 422
        assert invalid.value.field == "score"
        with pytest.raises(FrontdeskAPIError) as forbidden:
            widget.list_keys()
        assert forbidden.value.status == 403
    with Client(base_url, "fd_not_a_key") as stranger, pytest.raises(FrontdeskAPIError) as denied:
        stranger.me()
    assert denied.value.status == 401


def test_the_async_client_answers_and_streams(base_url: str, acme) -> None:
    async def converse() -> tuple[str, list[str], int]:
        async with AsyncClient(base_url, acme.widget) as widget:
            conversation = await widget.create_conversation()
            turn = await widget.post_message(conversation.id, "hello")
            names = [
                event.event
                async for event in widget.stream_message(conversation.id, "What are your hours?")
            ]
            try:
                await widget.get_conversation("nope")
            except FrontdeskAPIError as error:
                status = error.status
            return turn.role, names, status

    role, names, status = asyncio.run(converse())
    assert role == "assistant"
    assert (names[0], names[-1]) == ("accepted", "final")
    assert status == 404
