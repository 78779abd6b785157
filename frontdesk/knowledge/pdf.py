"""A PDF's text layer, bounded: a few kilobytes of compressed content streams can expand
to megabytes of text and minutes of work, so pages, characters, decompressed content and
time per document are capped, each failing with a message that says what to do."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

from frontdesk.domain.text import without_invalid_code_points
from frontdesk.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds on the work one document may cost, so a small hostile file (a PDF whose
    streams expand to megabytes) fails with a clear message instead of tying up a worker."""

    max_pdf_pages: int = 2000
    max_chars: int = 2_000_000  # text of one document (about 1,000 dense pages)
    max_seconds: float = 30.0  # extracting one PDF's text
    # Decompressed page content of one PDF: pypdf parses a page's whole stream before it
    # yields any text, so this bounds the work the two limits above cannot interrupt.
    max_pdf_content_bytes: int = 10_000_000


def pdf_text(name: str, data: bytes, limits: ParseLimits) -> str:
    """The text layer of a PDF, page by page, within ``limits``: a few kilobytes of
    compressed content streams can expand to megabytes of text and minutes of work."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    deadline = time.monotonic() + limits.max_seconds
    extracted = 0

    def bounded(text: str, *_args: Any) -> None:
        # Called by pypdf for every piece of text it finds, so one huge page is bounded too.
        nonlocal extracted
        extracted += len(text)
        if extracted > limits.max_chars:
            raise _OverLimit(
                f"{name}: the PDF holds more than {limits.max_chars:,} characters of text; "
                "split it into smaller documents"
            )
        if time.monotonic() > deadline:
            raise _OverLimit(
                f"{name}: reading the PDF took longer than {limits.max_seconds:g} s; "
                "split it or upload its text instead"
            )

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidInputError(f"{name}: the PDF is password-protected; upload it unlocked")
        if len(reader.pages) > limits.max_pdf_pages:
            raise InvalidInputError(
                f"{name}: the PDF has {len(reader.pages):,} pages; the limit is "
                f"{limits.max_pdf_pages:,}: split it into smaller documents"
            )
        content = sum(_content_bytes(page) for page in reader.pages)
        if content > limits.max_pdf_content_bytes:
            raise InvalidInputError(
                f"{name}: the PDF's pages expand to {content:,} bytes of content; the limit "
                f"is {limits.max_pdf_content_bytes:,}: split it into smaller documents"
            )
        pages = [page.extract_text(visitor_text=bounded) or "" for page in reader.pages]
    except _OverLimit as exc:
        raise InvalidInputError(str(exc)) from None
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InvalidInputError(f"{name}: not a readable PDF ({exc})") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    return without_invalid_code_points(text)  # a PDF's text layer may hold anything


def _content_bytes(page: Any) -> int:
    """Decompressed size of a page's content streams (decompressing is fast; parsing the
    operators is what is slow)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


class _OverLimit(Exception):
    """Raised inside pypdf's text visitor to stop an extraction over its limits."""
