"""A small PDF cannot cost unbounded work: pages, characters, content and time per
document are bounded, each with a message that says what to do."""

from __future__ import annotations

import time

import pytest

from frontdesk.errors import InvalidInputError
from frontdesk.knowledge.loaders import load_document
from frontdesk.knowledge.pdf import ParseLimits
from frontdesk.testing.pdf import make_pdf, make_pdf_bomb


def _refusal(data: bytes, limits: ParseLimits) -> tuple[str, float]:
    """The refusal's message and the CPU time this thread spent reaching it (CPU, not wall
    time: other processes on a busy machine must not decide the test)."""
    started = time.thread_time()
    with pytest.raises(InvalidInputError) as refused:
        load_document("bomb.pdf", data, limits)
    return refused.value.message, time.thread_time() - started


def test_a_pdf_expanding_past_the_character_limit_is_refused() -> None:
    bomb = make_pdf_bomb(300_000)
    assert len(bomb) < 4096
    message, _ = _refusal(bomb, ParseLimits(max_chars=100_000))
    assert "more than 100,000 characters" in message
    assert "split it" in message


def test_extraction_stops_at_the_time_limit() -> None:
    message, elapsed = _refusal(make_pdf_bomb(3_000_000, run=20), ParseLimits(max_seconds=0.2))
    assert "longer than 0.2 s" in message
    # Unbounded, this bomb's extraction takes ~10 s of CPU; stopped, what is left is pypdf
    # parsing the stream (~1.5 s).
    assert elapsed < 8


def test_too_many_pages_or_too_much_content_is_refused_before_parsing() -> None:
    pages, elapsed = _refusal(make_pdf_bomb(100, pages=30), ParseLimits(max_pdf_pages=10))
    assert "30 pages; the limit is 10" in pages
    content, elapsed = _refusal(make_pdf_bomb(3_000_000), ParseLimits(max_pdf_content_bytes=10**6))
    assert "bytes of content" in content
    assert elapsed < 1


def test_an_ordinary_pdf_is_within_the_default_limits() -> None:
    document = load_document("ok.pdf", make_pdf(["Refunds take five days."]))
    assert "Refunds take five days." in document.chunks[0].text
