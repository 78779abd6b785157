"""Rewrite the reply's fixed texts in the reply language, and frame an answer quoted from
a source in another language.

Stages write the English texts of :mod:`frontdesk.domain.replies` (and the small-talk
defaults); this step, run after every stage, swaps each for its catalogue text in the
reply language, with the tenant's overrides. An extractive answer is copied from the
sources, so when those are in another language the reply says so first ("Unser
Hilfe-Center beantwortet das auf Englisch:"); an LLM answer already written in the
reply language is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from frontdesk.domain.catalogue import Catalogue, english_key_of
from frontdesk.domain.conversation import Outcome
from frontdesk.domain.replies import POINTER_HANDOFF, POINTER_INTRO
from frontdesk.guards.chat_language import ChatLanguageDetector
from frontdesk.pipeline.state import TurnState

_MARKER = re.compile(r"\s*\[\d+\]")


def localise(
    state: TurnState,
    detector: ChatLanguageDetector,
    overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, object]:
    """Rewrite ``state.answer`` for ``state.reply_language``; returns what it did."""
    language = state.reply_language
    if not language or not state.answer:
        return {"localised": None}
    catalogue = Catalogue(language, (overrides or {}).get(language))
    key = english_key_of(state.answer)
    if key is not None:
        state.answer = catalogue.text(key)
        return {"localised": key}
    if state.answer.startswith(POINTER_INTRO) and state.answer.endswith(POINTER_HANDOFF):
        quoted = state.answer[len(POINTER_INTRO) : -len(POINTER_HANDOFF)].strip()
        frame = _source_frame(quoted, catalogue, detector)
        parts = (catalogue.text("pointer_intro"), frame, quoted, catalogue.text("pointer_handoff"))
        state.answer = " ".join(p for p in parts if p)
        return {"localised": "pointer", "framed": bool(frame)}
    if state.outcome is Outcome.ANSWERED and state.citations:
        frame = _source_frame(state.answer, catalogue, detector)
        if frame:
            state.answer = f"{frame}\n\n{state.answer}"
            return {"localised": "source_frame"}
    return {"localised": None}


def _source_frame(quoted: str, catalogue: Catalogue, detector: ChatLanguageDetector) -> str:
    """ "Our help center has this in English:" when ``quoted`` is not in the reply
    language; empty otherwise."""
    guess = detector.guess(_MARKER.sub("", quoted))
    if guess is None or guess.language == catalogue.language:
        return ""
    return catalogue.text("source_language", language=catalogue.language_name(guess.language))
