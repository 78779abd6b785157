from __future__ import annotations

from frontdesk.retrieval.chunking import (
    ChunkingOptions,
    chunk_text,
    faq_chunk,
    split_sentences,
)
from frontdesk.retrieval.parsing import parse_html, parse_markdown
from frontdesk.retrieval.text import estimate_tokens

SENTENCE = "Our support team answers billing questions within one business day. "

HELP_ARTICLE = f"""---
title: Billing help
---
# Billing help

Everything about invoices.

## Invoices

### Download an invoice

Open Settings, then Billing, then click [Download](https://example.com/x).

```
# not a heading
curl https://api.example.com/invoices
```

## How do I get a refund?

{SENTENCE * 30}

## Plans

{SENTENCE * 60}
"""


def test_heading_paths_exclude_the_title_and_nest_sections() -> None:
    title, chunks = chunk_text(HELP_ARTICLE, "markdown")
    assert title == "Billing help"
    paths = [c.heading_path for c in chunks]
    assert paths[0] == ()
    assert ("Invoices", "Download an invoice") in paths
    assert all("not a heading" not in " ".join(p) for p in paths)


def test_code_fences_are_kept_and_markdown_links_become_text() -> None:
    _, chunks = chunk_text(HELP_ARTICLE, "markdown")
    download = next(c for c in chunks if c.heading_path[-1:] == ("Download an invoice",))
    assert "click Download." in download.text
    assert "curl https://api.example.com/invoices" in download.text


def test_a_question_section_stays_one_chunk_like_an_faq_entry() -> None:
    _, chunks = chunk_text(HELP_ARTICLE, "markdown")
    refund = [c for c in chunks if c.heading_path == ("How do I get a refund?",)]
    assert len(refund) == 1
    assert refund[0].tokens > ChunkingOptions().target_tokens


def test_long_sections_split_near_the_target_with_overlap() -> None:
    options = ChunkingOptions(target_tokens=120, max_tokens=160, overlap_tokens=30)
    _, chunks = chunk_text(HELP_ARTICLE, "markdown", options)
    plans = [c for c in chunks if c.heading_path == ("Plans",)]
    assert len(plans) >= 5
    assert all(c.tokens <= options.target_tokens for c in plans)
    first_sentences = split_sentences(plans[1].text)
    assert plans[0].text.endswith(plans[1].text[: first_sentences[0][1]])  # shared sentence


def test_positions_are_consecutive_and_spans_point_into_the_source() -> None:
    text = "First paragraph here.\n\nSecond paragraph there.\n"
    _, chunks = chunk_text(text, "plain", ChunkingOptions(target_tokens=4, overlap_tokens=0))
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert [text[c.start : c.end] for c in chunks] == [
        "First paragraph here.",
        "Second paragraph there.",
    ]


def test_one_giant_sentence_is_split_by_words_under_the_maximum() -> None:
    text = "word " * 2000
    options = ChunkingOptions(target_tokens=200, max_tokens=250, overlap_tokens=0)
    _, chunks = chunk_text(text, "plain", options)
    assert len(chunks) > 5
    assert all(c.tokens <= options.max_tokens for c in chunks)
    assert sum(len(c.text.split()) for c in chunks) == 2000


def test_empty_and_whitespace_documents_have_no_chunks() -> None:
    assert chunk_text("", "markdown") == ("", [])
    assert chunk_text("  \n\n ", "plain")[1] == []
    assert chunk_text("<html><body> </body></html>", "html")[1] == []


def test_html_keeps_headings_and_drops_scripts_and_navigation() -> None:
    html = """<html><head><title>Returns | Acme</title><script>var x = 1;</script></head>
    <body><nav>Home | Shop</nav><h1>Returns</h1><p>You can return items.</p>
    <h2>Damaged items</h2><p>Send a photo &amp; we replace it.</p>
    <ul><li>Keep the box</li><li>Print the label</li></ul><footer>(c) Acme</footer></body></html>"""
    doc = parse_html(html)
    assert doc.title == "Returns | Acme"
    _, chunks = chunk_text(html, "html")
    joined = " ".join(c.text for c in chunks)
    assert "var x" not in joined
    assert "Home | Shop" not in joined
    assert "(c) Acme" not in joined
    damaged = next(c for c in chunks if c.heading_path[-1:] == ("Damaged items",))
    assert "Send a photo & we replace it." in damaged.text
    assert "Keep the box" in damaged.text


def test_setext_headings_and_abbreviations() -> None:
    doc = parse_markdown("Shipping\n========\n\nWe ship e.g. to Canada. Then home.\n")
    assert doc.title == "Shipping"
    text = doc.blocks[1].text
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "We ship e.g. to Canada.",
        "Then home.",
    ]


def test_faq_entry_is_one_chunk_with_the_question_as_path() -> None:
    chunk = faq_chunk("  Can I pay   by invoice? ", "Yes. " * 400)
    assert chunk.heading_path == ("Can I pay by invoice?",)
    assert chunk.tokens > 500


def test_token_estimate_is_close_to_word_pieces() -> None:
    assert 10 <= estimate_tokens(SENTENCE) <= 16
    assert estimate_tokens("") == 0
