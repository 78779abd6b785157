"""What counts as storable text: every code point except NUL, UTF-16 surrogates and
Unicode noncharacters. PostgreSQL refuses NUL in text, and UTF-8 has no encoding for a
lone surrogate (``"\\ud800"`` is valid JSON), so either would fail deep inside a
transaction; noncharacters are reserved for a program's internal use, never exchanged."""

from __future__ import annotations

import re

_INVALID = re.compile(
    "[\x00\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
    + "]"
)


def invalid_code_point(text: str) -> str | None:
    """The first code point of ``text`` that cannot be stored, as ``U+XXXX``; else None."""
    found = _INVALID.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def without_invalid_code_points(text: str) -> str:
    """``text`` with every unstorable code point removed (text extracted from a file)."""
    return _INVALID.sub("", text)
