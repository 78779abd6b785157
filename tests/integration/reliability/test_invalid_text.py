"""Text that cannot be stored (NUL, lone surrogates, noncharacters) is refused with 422
naming the field, on SQLite and PostgreSQL alike, wherever it enters: a message, a
feedback comment, a query string, a path, an uploaded document."""

from __future__ import annotations

import json

import httpx
import pytest

from frontdesk.runtime import Frontdesk

BAD = ["nul \x00 here", "lone \ud800 surrogate", "nonchar \uffff here", "astral \U0010fffe"]


def _json(payload: object) -> bytes:
    # ensure_ascii escapes a surrogate as \ud800, which is valid JSON and parses back to it
    return json.dumps(payload).encode()


def _post(http: httpx.Client, url: str, payload: object, auth: dict[str, str]) -> httpx.Response:
    headers = {**auth, "Content-Type": "application/json"}
    return http.post(url, content=_json(payload), headers=headers)


def _error(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    error: dict[str, str] = response.json()["error"]
    assert error["code"] == "invalid_input"
    return error


@pytest.mark.parametrize("bad", BAD)
def test_a_message_with_invalid_text_is_refused_naming_the_field(http, acme, bad) -> None:
    conversation = http.post("/v1/conversations", headers=acme.auth("widget")).json()["id"]
    url = f"/v1/conversations/{conversation}/messages"

    error = _error(_post(http, url, {"text": bad}, acme.auth("widget")))

    assert error["field"] == "text"
    assert "not allowed" in error["message"]
    turns = http.get(f"/v1/conversations/{conversation}", headers=acme.auth("agent"))
    assert turns.json()["turns"] == []  # nothing was stored


def test_invalid_text_in_every_kind_of_field_is_a_422(http, frontdesk: Frontdesk, acme) -> None:
    conversation = http.post("/v1/conversations", headers=acme.auth("widget")).json()["id"]
    nul = "a\x00b"
    cases = [
        ("/v1/conversations", {"metadata": {"page": nul}}, "widget", "metadata.page"),
        ("/v1/conversations", {"metadata": {nul: "x"}}, "widget", f"metadata.{nul}"),
        (
            f"/v1/conversations/{conversation}/csat",
            {"score": 4, "comment": nul},
            "widget",
            "comment",
        ),
        ("/v1/knowledge/search", {"query": nul}, "agent", "query"),
        ("/v1/knowledge/faq", {"question": nul, "answer": "a"}, "agent", "question"),
        ("/v1/keys", {"role": "agent", "name": nul}, "admin", "name"),
    ]
    for url, payload, role, field in cases:
        error = _error(_post(http, url, payload, acme.auth(role)))
        assert error["field"] == field.replace(nul, "a\x00b"), (url, error)

    query = http.get("/v1/tickets", params={"status": nul}, headers=acme.auth("agent"))
    assert _error(query)["field"] == "query.status"
    path = http.get("/v1/conversations/%00", headers=acme.auth("agent"))
    assert _error(path)["field"] == "path"


def test_an_uploaded_document_with_invalid_text_fails_cleanly(
    http, frontdesk: Frontdesk, acme
) -> None:
    """JSON escapes smuggle NUL and surrogates past the UTF-8 check: the job fails with
    a clear message naming the line, stores nothing, and holds no SQL."""
    rows = [
        {"id": "ok-1", "title": "Fine", "text": "A fine document about refunds."},
        {"id": "bad\u0000id", "title": "Bad", "text": "text"},
    ]
    faq = [{"question": "Lone \ud800?", "answer": "yes"}]
    files = [
        ("files", ("docs.jsonl", "\n".join(json.dumps(r) for r in rows).encode(), "x")),
        ("files", ("faq.jsonl", json.dumps(faq[0]).encode(), "x")),
    ]
    response = http.post("/v1/knowledge/documents", files=files, headers=acme.auth("admin"))
    assert response.status_code == 202, response.text
    frontdesk.jobs.wait(response.json()["id"], timeout=120)
    job = http.get(f"/v1/jobs/{response.json()['id']}", headers=acme.auth("admin")).json()

    assert job["status"] == "succeeded", job
    failed = job["result"]["failed"]
    assert set(failed) == {"upload/docs.jsonl", "upload/faq.jsonl"}
    assert "line 2" in failed["upload/docs.jsonl"]
    assert "U+0000" in failed["upload/docs.jsonl"]
    assert "U+D800" in failed["upload/faq.jsonl"]
    assert not any("SQL" in message or "INSERT" in message for message in failed.values())
    assert frontdesk.knowledge.list_documents(acme.id) == []


def test_an_upload_whose_file_name_carries_nul_is_refused(http, acme) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="a\x00b.md"\r\n'
        b"Content-Type: text/markdown\r\n\r\n# Title\n\nBody text.\r\n--b--\r\n"
    )
    headers = {**acme.auth("admin"), "Content-Type": "multipart/form-data; boundary=b"}
    response = http.post("/v1/knowledge/documents", content=body, headers=headers)
    assert _error(response)["field"] == "files"
