"""Message catalogues: every fixed text a customer sees, per language, with the tenant's
overrides on top.

The built-in catalogues (``frontdesk/domain/locales/<code>.json``) cover
:data:`CATALOGUE_LANGUAGES`; a language without one falls back to English. The English
catalogue holds the same texts as :mod:`frontdesk.domain.replies`, which stages use, so a
reply can be looked up by its English text and rewritten in the customer's language.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Final

CATALOGUE_LANGUAGES: Final = ("en", "de", "fr", "es", "nl", "it", "pt")
DEFAULT_LANGUAGE: Final = "en"
# Languages the detector can tell apart (ISO 639-1), so a tenant may serve any of them.
DETECTABLE_LANGUAGES: Final = frozenset(
    "af ar az be bg bn bs ca cs cy da de el en eo es et eu fa fi fr ga gu he hi hr hu hy id "
    "is it ja ka kk ko la lg lt lv mi mk mn mr ms nb nl nn pa pl pt ro ru sk sl sn so sq sr "
    "st sv sw ta te th tl tn tr ts uk ur vi xh yo zh zu".split()
)
RTL_LANGUAGES: Final = frozenset({"ar", "fa", "he", "ur"})


@functools.cache
def _builtin(language: str) -> tuple[Mapping[str, str], Mapping[str, str]]:
    raw = (
        resources.files("frontdesk.domain")
        .joinpath("locales", f"{language}.json")
        .read_text(encoding="utf-8")
    )
    data = json.loads(raw)
    return data["messages"], data["language_names"]


def message_keys() -> frozenset[str]:
    """Every key a catalogue (and a tenant override) may set."""
    return frozenset(_builtin(DEFAULT_LANGUAGE)[0])


class Catalogue:
    """The texts of one language: the tenant's overrides, else the built-in catalogue of
    that language, else English."""

    def __init__(self, language: str, overrides: Mapping[str, str] | None = None) -> None:
        # A language without a built-in catalogue is still this catalogue's language when
        # the tenant wrote texts for it (English fills the gaps).
        known = language in CATALOGUE_LANGUAGES or bool(overrides)
        self.language = language if known else DEFAULT_LANGUAGE
        self._messages = {
            **_builtin(DEFAULT_LANGUAGE)[0],
            **(_builtin(language)[0] if language in CATALOGUE_LANGUAGES else {}),
            **(overrides or {}),
        }
        self._names = _builtin(language if language in CATALOGUE_LANGUAGES else "en")[1]

    def text(self, key: str, **values: str) -> str:
        template = self._messages[key]
        if not values:
            return template
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a tenant's override with stray braces
            return template

    def language_name(self, code: str) -> str:
        return self._names.get(code, code)

    def widget_texts(self) -> dict[str, str]:
        """What the chat widget shows: its labels and the CSAT prompt."""
        return {
            key: text
            for key, text in self._messages.items()
            if key.startswith(("widget_", "csat_"))
        }


def english_key_of(text: str) -> str | None:
    """The catalogue key whose English text is exactly ``text``, if any."""
    for key, english in _builtin(DEFAULT_LANGUAGE)[0].items():
        if english == text:
            return key
    return None


def base_language(tag: str | None) -> str | None:
    """``de`` from a browser tag such as ``de-AT`` or ``de_at``; ``None`` when not a
    language the detector knows."""
    if not tag:
        return None
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    return code if code in DETECTABLE_LANGUAGES else None
