"""Hostile uploads over a real server: a zip bomb, an XML entity bomb, deeply nested HTML,
a 100 MB body, wrong extensions and broken encodings. Each is a clear error (at the door,
or for its file in the job), nothing of it is stored, the good file beside it is, and
another tenant's knowledge is untouched. (PDF bombs: ``test_pdf_bomb.py``.)"""

from __future__ import annotations

import io
import zipfile

import pytest

from frontdesk.testing.pdf import make_pdf


def _zip_bomb() -> bytes:
    """48 KB that inflates to 50 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", b"0" * 50_000_000)
    return buffer.getvalue()


def _entity_bomb() -> bytes:
    """Billion laughs: 10^9 "lol"s if a parser expanded the entities."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    return b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]><p>&lol9;</p>"


DEPTH = 20_000
# name -> (bytes, what the job's error for it says)
IN_THE_JOB = {
    "bomb-renamed.md": (_zip_bomb(), "ZIP archive"),
    "pdf-renamed.md": (make_pdf(["Refunds take five days."]), "upload it with a .pdf name"),
    "markdown-renamed.pdf": (b"# Refunds\n\nFive days.", "not a readable PDF"),
    "utf16.md": ("# Refunds\n\nFive days.".encode("utf-16"), "binary data in a text file"),
    "latin1.md": ("# Rückgabe\n\nFünf Tage.".encode("latin-1"), "not UTF-8 text (line 1)"),
    "surrogate.txt": (b"Refunds\n\xed\xa0\x80 five days", "not UTF-8 text (line 2)"),
    "overlong.txt": (b"Refunds\n\xc0\xaf five days", "not UTF-8 text (line 2)"),
    "huge.txt": (b"word " * 600_000, "the limit is 2,000,000"),
}


@pytest.mark.slow
def test_hostile_files_fail_clearly_and_store_nothing(http, frontdesk, acme, globex) -> None:
    admin = acme.auth("admin")
    theirs = http.post(
        "/v1/knowledge/documents",
        files=[("files", ("theirs.md", b"# Loyalty\n\nGlobex points never expire."))],
        headers=globex.auth("admin"),
    )
    frontdesk.jobs.wait(theirs.json()["id"], timeout=300)
    before = [(d.uri, d.content_hash) for d in frontdesk.knowledge.list_documents(globex.id)]

    # Refused at the door: types that are never parsed, and a body over the limit.
    for name, data in (("bomb.zip", _zip_bomb()), ("lolz.xml", _entity_bomb())):
        refused = http.post(
            "/v1/knowledge/documents", files=[("files", (name, data))], headers=admin
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "files"
        assert "unsupported type" in refused.json()["error"]["message"]
    huge = http.post(
        "/v1/knowledge/documents",
        files=[("files", ("huge.md", b"a" * 100 * 1024 * 1024))],
        headers=admin,
    )
    assert huge.status_code == 413, huge.text[:300]
    assert huge.json()["error"]["code"] == "payload_too_large"

    # Parsed in the job: each fails for itself; the entity bomb and the nesting are
    # read as the text they are, not expanded or recursed into.
    nested = b"<html><body>" + b"<div>" * DEPTH + b"Returns: 30 days." + b"</div>" * DEPTH
    files = [("files", (name, data)) for name, (data, _) in IN_THE_JOB.items()]
    files += [
        ("files", ("lolz.html", _entity_bomb())),
        ("files", ("nested.html", nested + b"</body></html>")),
        ("files", ("refunds.md", b"# Refunds\n\nRefunds take five days.")),
    ]
    upload = http.post("/v1/knowledge/documents", files=files, headers=admin)
    assert upload.status_code == 202, upload.text
    frontdesk.jobs.wait(upload.json()["id"], timeout=600)
    job = http.get(f"/v1/jobs/{upload.json()['id']}", headers=admin).json()

    assert job["status"] == "succeeded", job
    failed = job["result"]["failed"]
    for name, (_, message) in IN_THE_JOB.items():
        assert message in failed.pop(f"upload/{name}"), (name, job["result"])
    assert failed == {}
    stored = {d.uri: d for d in frontdesk.knowledge.list_documents(acme.id)}
    assert set(stored) == {"upload/refunds.md", "upload/lolz.html", "upload/nested.html"}
    lolz = http.post("/v1/knowledge/search", json={"query": "lol", "k": 5}, headers=admin).json()
    assert all(len(passage["text"]) < 1000 for passage in lolz)  # entities not expanded
    found = http.post(
        "/v1/knowledge/search", json={"query": "how many days for returns", "k": 3}, headers=admin
    ).json()
    assert any("30 days" in passage["text"] for passage in found)

    after = [(d.uri, d.content_hash) for d in frontdesk.knowledge.list_documents(globex.id)]
    assert after == before
    their_search = http.post(
        "/v1/knowledge/search",
        json={"query": "points expire", "k": 3},
        headers=globex.auth("admin"),
    ).json()
    assert [p["title"] for p in their_search][:1] == ["Loyalty"]
    assert all("Refunds" not in p["text"] for p in their_search)
