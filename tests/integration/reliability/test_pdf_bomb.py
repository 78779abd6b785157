"""A 5 KB PDF that expands to millions of characters fails its upload with a clear
message in the job, stores nothing, and does not stop the other files of the upload."""

from __future__ import annotations

from frontdesk.testing.pdf import make_pdf, make_pdf_bomb


def test_a_pdf_bomb_fails_clearly_and_the_rest_is_ingested(http, frontdesk, acme) -> None:
    bomb = make_pdf_bomb(3_000_000)
    assert len(bomb) < 8192
    files = [
        ("files", ("bomb.pdf", bomb, "application/pdf")),
        ("files", ("refunds.pdf", make_pdf(["Refunds take five days."]), "application/pdf")),
    ]
    admin = acme.auth("admin")
    response = http.post("/v1/knowledge/documents", files=files, headers=admin)
    assert response.status_code == 202, response.text
    frontdesk.jobs.wait(response.json()["id"], timeout=120)
    job = http.get(f"/v1/jobs/{response.json()['id']}", headers=admin).json()

    assert job["status"] == "succeeded"
    assert job["result"]["added"] == ["upload/refunds.pdf"]
    assert "more than 2,000,000 characters" in job["result"]["failed"]["upload/bomb.pdf"]
    stored = [d.uri for d in frontdesk.knowledge.list_documents(acme.id)]
    assert stored == ["upload/refunds.pdf"]
