"""``frontdesk export finetune`` on a real tenant: resolved handoffs, answers rated
thumbs-up, promoted FAQ entries and ingested tickets, holding PII, become redacted,
grounded chat rows; repeats and evaluation questions are dropped and counted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from frontdesk.domain.release import Actor
from frontdesk.finetune import read_eval_texts
from frontdesk.finetune.export import export_finetune, stored_eval_texts
from frontdesk.runtime import Frontdesk
from tests.conftest import on_sqlite_only

pytestmark = pytest.mark.slow
COMMAND = [str(Path(sys.executable).parent / "frontdesk"), "export", "finetune"]
FAQ = (
    "question,answer,url\n"
    "How much does the Plus plan cost?,Plus costs 9.99 euros a month.,https://help.example.com/plus\n"
    "How do I cancel my subscription?,Open Settings > Plan and select Cancel plan.,\n"
)
TICKETS = [
    {
        "id": "T-1",
        "subject": "Parcel late",
        "customer_message": "My parcel to Finland is late. Aino Rintanen, aino.rintanen@example.com, "
        "+49 30 12345678",
        "agent_reply": "Hi Aino, we have opened an investigation; you will hear from us.",
    },
    {
        "id": "T-2",
        "customer_message": "Can I change the delivery address after handover?",
        "agent_reply": "Yes, from the tracking page until the parcel is out for delivery.",
    },
    {  # T-2 again, with other case and punctuation: a duplicate
        "id": "T-3",
        "customer_message": "can I change the delivery address after handover",
        "agent_reply": "Yes, until it is out for delivery.",
    },
    {  # the stored eval set asks exactly this: a leak
        "id": "T-4",
        "customer_message": "Do you deliver on Sundays?",
        "agent_reply": "No, we deliver Monday to Saturday.",
    },
]
PII = ["Rintanen", "aino.rintanen@example.com", "12345678", "Vsevolod", "vsevolod.k@example.com"]


def _answer(frontdesk: Frontdesk, tenant_id: str, text: str) -> tuple[str, str]:
    conversation = frontdesk.conversations.create(tenant_id)
    turn = frontdesk.conversations.post_message(tenant_id, conversation.id, text).turn
    return conversation.id, turn.id


@pytest.fixture
def tenant_data(frontdesk: Frontdesk, acme: Any, tmp_path: Path) -> Path:
    """The acme tenant's approved answers; returns an eval file holding one near-repeat."""
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ, encoding="utf-8")
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("".join(json.dumps(t) + "\n" for t in TICKETS), encoding="utf-8")
    frontdesk.knowledge.ingest_paths(acme.id, [faq, tickets])

    for question, ratings in (
        ("How much does the Plus plan cost?", ["up"]),
        ("How do I cancel my subscription?", ["up"]),
        ("What does the Plus plan cost per month?", ["up", "down"]),  # withdrawn
    ):
        conversation_id, turn_id = _answer(frontdesk, acme.id, question)
        for rating in ratings:
            frontdesk.handoff.add_thumbs(acme.id, conversation_id, turn_id, rating, "")

    conversation = frontdesk.conversations.create(acme.id)
    frontdesk.conversations.post_message(
        acme.id,
        conversation.id,
        "My replacement parcel never came. Write to me at vsevolod.k@example.com",
    )
    ticket = frontdesk.handoff.request_person(acme.id, conversation.id)
    agent = frontdesk.tenants.authenticate(acme.agent)
    frontdesk.handoff.reply(
        agent, ticket.id, "Hi Vsevolod, a new parcel left today; we will call +49 30 12345678."
    )
    frontdesk.handoff.resolve(agent, ticket.id)
    frontdesk.handoff.promote(
        agent,
        ticket.id,
        "What happens if a replacement parcel is lost?",
        "We send another one at no cost and open an investigation.",
    )
    stored = json.dumps({"id": "sun", "text": "Do you deliver on Sundays?", "expect": "answer"})
    frontdesk.promotion.upload_eval_set(acme.id, stored + "\n", Actor("test", "admin"))
    eval_file = tmp_path / "eval.jsonl"
    near = {"id": "cancel", "text": "how do I cancle my subscription", "expect": "answer"}
    eval_file.write_text(json.dumps(near) + "\n", encoding="utf-8")
    return eval_file


def test_exports_redacted_grounded_rows_and_drops_repeats_and_leaks(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme: Any, tenant_data: Path
) -> None:
    done = subprocess.run(
        [
            *COMMAND,
            "--tenant",
            "acme",
            "--format",
            "openai-chat",
            "--eval",
            str(tenant_data),
            "--json",
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert report["rows_written"] == len(rows) == 5
    assert report["by_source"] == {"faq": 1, "thumbs": 1, "handoff": 1, "ticket": 2}
    assert report["candidates"] == 8
    assert report["duplicates_dropped"] == 1
    assert report["leaks_dropped"] == 2
    assert {(leak["eval_id"], leak["match"]) for leak in report["leaks"]} == {
        ("cancel", "near"),
        ("sun", "exact"),
    }
    assert report["unredacted_dropped"] == 0
    assert report["pii_redacted"] >= 2

    for row in rows:
        assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
    assert not [pii for pii in PII if pii in done.stdout]
    by_question = {row["messages"][1]["content"]: row["messages"] for row in rows}
    plus = by_question["How much does the Plus plan cost?"]
    assert "Plus costs 9.99 euros a month." in plus[0]["content"]  # the retrieved passage
    assert "9.99" in plus[2]["content"]
    ticket = next(m for q, m in by_question.items() if q.startswith("My parcel to"))
    assert "<PERSON>" in ticket[1]["content"]
    assert "<EMAIL>" in ticket[1]["content"]
    handoff = next(m for q, m in by_question.items() if q.startswith("My replacement parcel"))
    assert handoff[2]["content"].startswith("Hi <PERSON>, a new parcel left today")
    questions = " ".join(by_question)
    assert "per month" not in questions  # its thumbs-up was withdrawn
    assert "Sundays" not in questions
    assert "cancel" not in questions.lower()


def test_sharegpt_rows_carry_their_source(
    frontdesk: Frontdesk, acme: Any, tenant_data: Path
) -> None:
    eval_texts = read_eval_texts(tenant_data) + stored_eval_texts(frontdesk.database, acme.id)
    rows, report = export_finetune(
        frontdesk.database, frontdesk.pipeline, acme.id, "acme", "sharegpt", eval_texts
    )
    assert report.rows_written == len(rows) == 5
    sources = {row["id"].partition(":")[0] for row in rows}
    assert sources == {"faq", "thumbs", "handoff", "ticket"}
    for row in rows:
        assert [m["from"] for m in row["conversations"]] == ["system", "human", "gpt"]


@on_sqlite_only
def test_bad_arguments_write_nothing(
    cli_env: dict[str, str], frontdesk: Frontdesk, acme: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "data.jsonl"
    for args, message in (
        (["--tenant", "nobody"], "nobody"),
        (["--tenant", "acme", "--format", "alpaca"], "--format must be openai-chat or sharegpt"),
        (["--tenant", "acme", "--eval", str(tmp_path / "missing.jsonl")], "eval file not found"),
    ):
        done = subprocess.run(
            [*COMMAND, *args, "--out", str(out)],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert done.stdout == ""
        assert list(folder.iterdir()) == []
