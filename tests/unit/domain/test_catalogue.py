"""Message catalogues: every language has every text, overrides win, unknown languages
fall back to English."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontdesk.domain import replies
from frontdesk.domain.catalogue import (
    CATALOGUE_LANGUAGES,
    Catalogue,
    base_language,
    english_key_of,
    message_keys,
)
from frontdesk.domain.tenant import TenantSettings
from frontdesk.pipeline.stages.smalltalk import DEFAULT_REPLIES


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_every_catalogue_translates_every_text(language: str) -> None:
    catalogue = Catalogue(language)
    english = Catalogue("en")
    for key in message_keys():
        text = catalogue.text(key, language="X")
        assert text.strip()
        if language != "en" and key not in {"widget_sources", "widget_source", "widget_assistant"}:
            assert text != english.text(key, language="X"), (language, key)
    assert set(catalogue.widget_texts()) >= {"widget_send", "csat_prompt", "widget_sources"}


def test_english_texts_are_the_replies_stages_write() -> None:
    for text in (
        replies.HANDOFF_ANSWER,
        replies.REFUSAL,
        replies.CLARIFY_REPLY,
        replies.WARMING_UP_ANSWER,
    ):
        assert english_key_of(text) is not None
    for text in DEFAULT_REPLIES.values():
        assert english_key_of(text) is not None


def test_a_tenant_override_wins_and_unknown_languages_fall_back_to_english() -> None:
    assert Catalogue("de", {"handoff": "Gleich meldet sich Anna."}).text("handoff") == (
        "Gleich meldet sich Anna."
    )
    assert Catalogue("ja").text("handoff") == replies.HANDOFF_ANSWER
    assert base_language("de-AT") == "de"
    assert base_language("xx-YY") is None


def test_tenant_settings_refuse_unknown_languages_and_message_keys() -> None:
    assert TenantSettings(languages=("EN", "de", "de")).languages == ("en", "de")
    with pytest.raises(ValidationError, match="ISO 639-1"):
        TenantSettings(languages=("english",))
    with pytest.raises(ValidationError, match="unknown message key"):
        TenantSettings(messages={"de": {"greeting": "Hallo"}})
