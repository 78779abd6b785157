"""Which tenants get their multilingual vectors embedded ahead: those answered in any
language other than English (no languages configured means every catalogue language)."""

from __future__ import annotations

import pytest

from frontdesk.knowledge.multilingual_ahead import serves_other_languages


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ((), True),  # every catalogue language
        (("en",), False),
        (("en", "de"), True),
        (("fr",), True),
        (("de", "en"), True),
    ],
)
def test_only_tenants_answered_beyond_english_embed_ahead(
    languages: tuple[str, ...], expected: bool
) -> None:
    assert serves_other_languages(languages) is expected
