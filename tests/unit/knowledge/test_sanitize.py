"""What a reader never sees is removed at ingest; what they see is kept."""

from __future__ import annotations

from frontdesk.knowledge.loaders import load_document
from frontdesk.knowledge.sanitize import strip_invisible
from frontdesk.retrieval.hidden import strip_hidden_markup
from frontdesk.testing.pdf import make_pdf


def test_invisible_and_bidi_characters_are_stripped_but_scripts_are_kept() -> None:
    text = "Ig\u200bnore\u00ad \u202eevil\u202c \u2066x\u2069 \U000e0049\U000e0067 سلام עברית"
    cleaned = strip_invisible(text)
    assert cleaned.text == "Ignore evil x  سلام עברית"
    assert cleaned.removed == 8


def test_zero_width_non_joiner_inside_persian_words_is_kept() -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want"
    assert strip_invisible(persian).text == persian
    assert strip_invisible("pass\u200cword").text == "password"


def test_hidden_markup_in_markdown_is_removed_but_code_and_url_comment_stay() -> None:
    markdown = (
        "# T\n<!-- url: https://x.example/a -->\nSeen.<!-- secret -->\n"
        '<span style="display:none">gone1</span><div hidden>gone2 <div>gone3</div></div>\n'
        '<p aria-hidden="true">gone4</p><span style="font-size: 0px">gone5</span>\n\n'
        "[//]: # (gone6)\n\n```html\n<script>shown()</script>\n```\nUse `<div hidden>`.\n"
    )
    text, removed = strip_hidden_markup(markdown)
    assert not any(f"gone{n}" in text for n in range(1, 7))
    assert "<!-- url: https://x.example/a -->" in text
    assert "<script>shown()</script>" in text
    assert "`<div hidden>`" in text
    assert removed == 6


def test_html_keeps_only_visible_text() -> None:
    html = (
        b"<html><head><title>T</title><style>.n{display:none}</style></head><body>"
        b'<p>Seen <span class="n">gone1</span><span style="visibility:hidden">gone2</span>'
        b'<b style="opacity:0">gone3</b></p><p hidden>gone4</p><template>gone5</template>'
        b'<!-- gone6 --><p class="sr-only">gone7</p><p>End</p></body></html>'
    )
    document = load_document("page.html", html)
    text = " ".join(chunk.text for chunk in document.chunks)
    assert "Seen" in text
    assert "End" in text
    assert not any(f"gone{n}" in text for n in range(1, 8))
    assert document.stripped["hidden_html"] == 6  # <template> is skipped like <script>


def test_pdf_text_loses_invisible_control_characters() -> None:
    document = load_document("a.pdf", make_pdf(["Ig\x85nore prev\x9fious notes."]))
    assert document.chunks[0].text == "Ignore previous notes."
    assert document.stripped == {"invisible_chars": 2}
