"""Files to documents and chunks, and the errors bad files get."""

from __future__ import annotations

import pytest

from frontdesk.errors import InvalidInputError
from frontdesk.knowledge.loaders import load_document, load_documents
from frontdesk.testing.pdf import make_pdf

ARTICLE = b"""# Reset your password
<!-- url: https://help.example.com/reset -->

You can reset your password from the sign-in page.

## Request a link

1. Open the sign-in page.
2. Choose *Forgot password*.

## If the e-mail does not arrive

Check your spam folder. Links expire after 24 hours.
"""


def test_markdown_keeps_title_url_and_heading_paths() -> None:
    document = load_document("reset.md", ARTICLE)
    assert document.kind == "markdown"
    assert document.title == "Reset your password"
    assert document.url == "https://help.example.com/reset"
    paths = [chunk.heading_path for chunk in document.chunks]
    assert ("Request a link",) in paths
    assert ("If the e-mail does not arrive",) in paths
    assert all(chunk.url == document.url for chunk in document.chunks)
    assert [c.position for c in document.chunks] == sorted(c.position for c in document.chunks)
    assert "url:" not in " ".join(c.text for c in document.chunks)


def test_html_is_parsed_into_sections() -> None:
    html = (
        b"<html><head><title>Returns</title></head><body><h1>Returns</h1>"
        b"<p>Return within 30 days.</p><h2>Refunds</h2><p>Refunds take 5 days.</p></body></html>"
    )
    document = load_document("returns.html", html)
    assert document.title == "Returns"
    assert any(c.heading_path == ("Refunds",) and "5 days" in c.text for c in document.chunks)


def test_pdf_text_is_extracted() -> None:
    pdf = make_pdf(["Warranty terms", "Every device has a two year warranty."])
    document = load_document("warranty.pdf", pdf)
    assert document.kind == "pdf"
    assert "two year warranty" in " ".join(c.text for c in document.chunks)


def test_faq_csv_rows_become_one_chunk_each_with_their_answer() -> None:
    data = b'question,answer,url\nDo you ship abroad?,"Yes, to 30 countries.",https://x/ship\nCan I pay by invoice?,Only on Business plans.,\n'
    document = load_document("faq.csv", data)
    assert document.kind == "faq"
    assert [c.title for c in document.chunks] == ["Do you ship abroad?", "Can I pay by invoice?"]
    assert document.chunks[0].metadata["answer"] == "Yes, to 30 countries."
    assert document.chunks[0].url == "https://x/ship"
    assert document.chunks[1].url is None


def test_tickets_jsonl_keeps_the_agent_reply_as_the_answer() -> None:
    data = (
        b'{"id": "T-1", "subject": "Late parcel", "customer_message": "Where is my parcel?",'
        b' "agent_reply": "It arrives tomorrow."}\n'
    )
    document = load_document("tickets.jsonl", data)
    assert document.kind == "tickets"
    assert document.chunks[0].title == "Late parcel"
    assert document.chunks[0].metadata == {
        "answer": "It arrives tomorrow.",
        "question": "Where is my parcel?",
        "ticket": "T-1",
    }


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.docx", b"x", "unsupported file type .docx"),
        ("bad.md", b"# Title\n\xff\xfe broken", "not UTF-8 text (line 2)"),
        ("faq.csv", b"q,a\nx,y\n", "needs 'question' and 'answer' columns"),
        ("faq.csv", b"question,answer\nHello?,\n", "row 1 needs both"),
        ("rows.jsonl", b'{"question": "a", "answer": "b"}\nnot json\n', "line 2 is not JSON"),
        ("rows.jsonl", b'{"foo": 1}\n', "question/answer"),
        ("empty.md", b"   \n", "no text found"),
        ("broken.pdf", b"%PDF-1.4 garbage", "not a readable PDF"),
    ],
)
def test_bad_files_get_an_error_naming_the_file_and_place(name, data, message) -> None:
    with pytest.raises(InvalidInputError) as error:
        load_document(name, data)
    assert message in error.value.message
    assert name in error.value.message


def test_a_jsonl_of_documents_keeps_each_id_as_external_id() -> None:
    data = (
        b'{"id": "kb-1", "title": "Refunds", "text": "Refunds take 5 days.", "url": "https://x/r"}\n'
        b'{"id": "kb-2", "title": "Returns", "text": "Return within 30 days."}\n'
    )
    documents = load_documents("docs.jsonl", data)
    assert [d.external_id for d in documents] == ["kb-1", "kb-2"]
    assert [d.title for d in documents] == ["Refunds", "Returns"]
    assert documents[0].url == "https://x/r"
    assert documents[0].content_hash != documents[1].content_hash


def test_duplicate_document_ids_name_both_lines() -> None:
    data = b'{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n{"id": "a", "text": "z"}\n'
    with pytest.raises(InvalidInputError, match="lines 1 and 3 have the same id 'a'"):
        load_documents("docs.jsonl", data)


def test_binary_data_with_a_text_extension_is_refused() -> None:
    with pytest.raises(
        InvalidInputError, match=r"notes.txt: binary data in a text file \(line 2\)"
    ):
        load_document("notes.txt", b"hello\nwor\x00ld\x00\x01")


def test_a_password_protected_pdf_is_refused_with_a_clear_message() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["secret terms"]))).pages:
        writer.add_page(page)
    writer.encrypt("hunter2")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(InvalidInputError, match=r"locked\.pdf: the PDF is password-protected"):
        load_document("locked.pdf", buffer.getvalue())


def test_an_empty_pdf_has_no_text_to_index() -> None:
    with pytest.raises(InvalidInputError, match=r"empty\.pdf: no text found"):
        load_document("empty.pdf", make_pdf([]))
