"""Ingestion into the real database with the real embedder, and grounded answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from frontdesk.runtime import Frontdesk
from frontdesk.testing.wait import wait_for_job

pytestmark = pytest.mark.slow

ARTICLES = {
    "account/reset-password.md": """# Reset your password
<!-- url: https://help.example.com/reset -->

## Request a reset link

Open the sign-in page and choose Forgot password. We e-mail you a reset link that is valid
for 24 hours.

## Password rules

Passwords need at least 12 characters.
""",
    "shipping/delivery-times.md": """# Delivery times
<!-- url: https://help.example.com/delivery -->

Domestic parcels arrive in 1-2 working days. International parcels take 3-7 working days.
""",
}
FAQ = 'question,answer,url\nDo you ship to Norway?,"Yes, Norway is in zone 4.",https://help.example.com/faq#norway\n'


@pytest.fixture
def helpcenter(tmp_path: Path) -> Path:
    root = tmp_path / "helpcenter"
    for relative, text in ARTICLES.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    (root / "faq.csv").write_text(FAQ)
    return root


def test_ingest_then_answer_with_a_citation_to_the_right_article(
    frontdesk: Frontdesk, acme, helpcenter: Path
) -> None:
    report = frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    assert len(report.added) == 3
    assert report.failed == {}
    conversation = frontdesk.conversations.create(acme.id)
    reply = frontdesk.conversations.post_message(
        acme.id, conversation.id, "how long is the password reset link valid?"
    ).turn
    assert reply.outcome is not None
    assert reply.outcome.value == "answered"
    assert "24 hours" in reply.text
    assert reply.citations[0]["url"] == "https://help.example.com/reset"
    assert "[1]" in reply.text
    faq = frontdesk.conversations.post_message(
        acme.id, conversation.id, "can you send parcels to norway"
    ).turn
    assert "Yes, Norway is in zone 4." in faq.text


def test_an_unrelated_question_gets_an_honest_no_answer(frontdesk, acme, helpcenter) -> None:
    frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    conversation = frontdesk.conversations.create(acme.id)
    reply = frontdesk.conversations.post_message(
        acme.id, conversation.id, "What is the capital of France?"
    ).turn
    assert reply.outcome is not None
    assert reply.outcome.value == "no_answer"
    assert reply.citations == []


def test_reingesting_unchanged_files_skips_them_and_changed_ones_are_replaced(
    frontdesk, acme, helpcenter
) -> None:
    frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    again = frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    assert len(again.unchanged) == 3
    assert again.added == again.updated == []
    article = helpcenter / "shipping/delivery-times.md"
    article.write_text(article.read_text().replace("3-7 working days", "4-9 working days"))
    changed = frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    assert changed.updated == [str(article.resolve())]
    passages = frontdesk.search(acme.id, "how long do international parcels take", 1)
    assert "4-9 working days" in passages[0].text


def test_sync_removes_documents_whose_files_are_gone(frontdesk, acme, helpcenter) -> None:
    frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    (helpcenter / "shipping/delivery-times.md").unlink()
    report = frontdesk.knowledge.ingest_paths(acme.id, [helpcenter], sync=True)
    assert len(report.removed) == 1
    uris = [d.uri for d in frontdesk.knowledge.list_documents(acme.id)]
    assert not any(uri.endswith("delivery-times.md") for uri in uris)
    assert all(
        "International parcels" not in p.text
        for p in frontdesk.search(acme.id, "international delivery", 5)
    )


def test_a_failing_document_leaves_no_partial_chunks(
    frontdesk, acme, helpcenter, monkeypatch
) -> None:
    embedder = frontdesk.resources.embedder()

    def broken_embed(texts: list[str]) -> np.ndarray:
        raise OSError("disk full while embedding")

    monkeypatch.setattr(embedder, "embed", broken_embed)
    report = frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    assert len(report.failed) == 3
    assert frontdesk.knowledge.list_documents(acme.id) == []
    assert frontdesk.search(acme.id, "password", 3) == []


def test_knowledge_is_tenant_scoped(frontdesk, acme, globex, helpcenter) -> None:
    frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    assert frontdesk.search(globex.id, "reset password", 5) == []
    assert frontdesk.knowledge.list_documents(globex.id) == []
    conversation = frontdesk.conversations.create(globex.id)
    reply = frontdesk.conversations.post_message(
        globex.id, conversation.id, "reset my password"
    ).turn
    assert reply.outcome is not None
    assert reply.outcome.value == "no_answer"


def test_upload_api_ingests_in_the_background_with_progress(client, acme, frontdesk) -> None:
    files = [
        ("files", ("reset.md", ARTICLES["account/reset-password.md"].encode(), "text/markdown")),
        ("files", ("faq.csv", FAQ.encode(), "text/csv")),
    ]
    accepted = client.post("/v1/knowledge/documents", files=files, headers=acme.auth("admin"))
    assert accepted.status_code == 202, accepted.text
    job = wait_for_job(client, accepted.json()["id"], acme.auth("admin"), timeout_s=60)
    assert job["status"] == "succeeded", job
    assert job["done"] == job["total"] == 2
    assert sorted(job["result"]["added"]) == ["upload/faq.csv", "upload/reset.md"]
    listed = client.get("/v1/knowledge/documents", headers=acme.auth("agent")).json()
    assert {d["kind"] for d in listed} == {"markdown", "faq"}
    found = client.post(
        "/v1/knowledge/search", json={"query": "reset link validity"}, headers=acme.auth("agent")
    ).json()
    assert found[0]["url"] == "https://help.example.com/reset"


def test_upload_rejects_bad_input_and_other_roles(client, acme, globex, frontdesk) -> None:
    bad = client.post(
        "/v1/knowledge/documents",
        files=[("files", ("virus.exe", b"MZ", "application/octet-stream"))],
        headers=acme.auth("admin"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "files"
    widget = client.post(
        "/v1/knowledge/documents",
        files=[("files", ("a.md", b"# A\n\ntext", "text/markdown"))],
        headers=acme.auth("widget"),
    )
    assert widget.status_code == 403
    assert frontdesk.knowledge.list_documents(acme.id) == []


def test_deleting_a_document_is_tenant_scoped(client, acme, globex, frontdesk, helpcenter) -> None:
    frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    document = frontdesk.knowledge.list_documents(acme.id)[0]
    other = client.delete(f"/v1/knowledge/documents/{document.id}", headers=globex.auth("admin"))
    assert other.status_code == 404
    mine = client.delete(f"/v1/knowledge/documents/{document.id}", headers=acme.auth("admin"))
    assert mine.status_code == 200
    assert len(frontdesk.knowledge.list_documents(acme.id)) == 2


def test_documents_jsonl_answers_cite_the_external_id_and_vanished_rows_are_removed(
    frontdesk: Frontdesk, acme, tmp_path: Path
) -> None:
    source = tmp_path / "kb.jsonl"
    source.write_text(
        '{"id": "KB-100", "title": "Gift cards", "text": "Gift cards never expire and can be used for any plan.", "url": "https://help.example.com/gift"}\n'
        '{"id": "KB-200", "title": "Student discount", "text": "Students get 20 percent off the Plus plan with a valid student ID."}\n'
    )
    first = frontdesk.knowledge.ingest_paths(acme.id, [source])
    assert len(first.added) == 2
    conversation = frontdesk.conversations.create(acme.id)
    reply = frontdesk.conversations.post_message(
        acme.id, conversation.id, "do gift cards expire?"
    ).turn
    assert reply.citations[0]["document_id"] == "KB-100"
    assert reply.citations[0]["score"] > 0
    assert {d.external_id for d in frontdesk.knowledge.list_documents(acme.id)} == {
        "KB-100",
        "KB-200",
    }
    source.write_text(
        '{"id": "KB-100", "title": "Gift cards", "text": "Gift cards never expire and can be used for any plan.", "url": "https://help.example.com/gift"}\n'
    )
    second = frontdesk.knowledge.ingest_paths(acme.id, [source])
    assert second.unchanged == [f"{source.resolve()}#KB-100"]
    assert second.removed == [f"{source.resolve()}#KB-200"]
    assert {d.external_id for d in frontdesk.knowledge.list_documents(acme.id)} == {"KB-100"}


def test_a_bad_file_fails_alone_and_the_rest_of_the_batch_is_ingested(
    frontdesk: Frontdesk, acme, helpcenter: Path
) -> None:
    (helpcenter / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (helpcenter / "bad-faq.csv").write_text("question,answer\nWhere?,\n")
    report = frontdesk.knowledge.ingest_paths(acme.id, [helpcenter])
    assert len(report.added) == 3
    assert {Path(uri).name for uri in report.failed} == {"broken.pdf", "bad-faq.csv"}
    assert "row 1" in report.failed[str((helpcenter / "bad-faq.csv").resolve())]


def test_a_file_over_the_size_limit_is_refused_before_reading(
    settings, acme, frontdesk: Frontdesk, tmp_path: Path
) -> None:
    small = Frontdesk(settings.model_copy(update={"max_upload_bytes": 1000}))
    try:
        big = tmp_path / "big.md"
        big.write_text("# Big\n\n" + "word " * 1000)
        report = small.knowledge.ingest_paths(acme.id, [big])
        assert "over the 1,000-byte limit" in report.failed[str(big.resolve())]
        assert small.knowledge.list_documents(acme.id) == []
    finally:
        small.close()
