"""The LLM generator's ``cross_language: translate`` mode: quote, then translate.

When the retrieved passages are in another language than the reply, the extractive
generator answers (the sentences that answer, verbatim, with their citations and its
evidence) and the model writes that answer in the reply language
(:mod:`frontdesk.llm.translate`). The decide stage then sees the extractive evidence, and
the output guard checks the translation's numbers against the cited passages. When no
provider gives a usable translation, the quote stays as it is and the localise step frames
it ("Our help center has this in English:"), as with the extractive default.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from frontdesk.guards.chat_language import ChatLanguageDetector
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.clients import ClientPool, ask_in_order
from frontdesk.llm.completion import Completion
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.provider import OpenAICompatibleProvider
from frontdesk.llm.translate import (
    TranslationUnusableError,
    parse_translation,
    repair_messages,
    translation_messages,
)
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.stages.llm_answers import usage_record
from frontdesk.pipeline.state import TurnState

CROSS_LANGUAGE_MODES = ("answer", "translate")
PROMPT_VERSION = "translate-v1"


def sources_foreign(state: TurnState, detector: ChatLanguageDetector) -> bool:
    """Whether the turn replies in a language its best passage is not written in."""
    if not state.reply_language or not state.passages:
        return False
    guess = detector.guess(state.passages[0].text)
    return guess is not None and guess.language != state.reply_language


def translate_quote(
    state: TurnState,
    quoted: StageReport,
    *,
    providers: Sequence[ProviderConfig],
    breakers: BreakerBoard,
    clients: ClientPool,
    deadline_s: float,
    clock: Callable[[], float],
    max_tokens: int,
    seed: int | None,
) -> StageReport:
    """``state.answer`` (the extractive generator's, reported in ``quoted``) in
    ``state.reply_language``; unchanged when no provider translates it usably."""
    original = state.answer
    if not state.citations or not original.strip() or state.reply_language is None:
        return quoted
    language = state.reply_language
    messages = translation_messages(original, language)
    completions: list[Completion] = []

    def call(client: OpenAICompatibleProvider, config: ProviderConfig, left: float) -> str:
        started, asked = clock(), messages
        for attempt in range(2):
            completion = client.complete(
                asked,
                # other languages take more tokens than the English they translate
                max_tokens=max(max_tokens, len(original) // 2),
                temperature=0.0,
                seed=seed,
                deadline_s=left - (clock() - started),
            )
            completions.append(completion)
            try:
                return parse_translation(completion.text, original)
            except TranslationUnusableError:
                if attempt == 1:
                    raise
                asked = repair_messages(messages, completion.text, language)
        raise AssertionError("unreachable")

    outcome = ask_in_order(
        providers, breakers=breakers, clients=clients, deadline_s=deadline_s, clock=clock, call=call
    )
    flags = list(outcome.flags)
    record: dict[str, Any]
    if outcome.value is None or outcome.config is None:
        flags.append("fallback:extractive")
        record = {"provider": None, "fallback": "extractive", "reason": "no_translation"}
    else:
        state.answer = outcome.value
        record = {
            "provider": outcome.config.name,
            "model": completions[-1].model,
            "fallback": None if not outcome.attempts[:-1] else outcome.config.name,
        }
    used = usage_record(completions)
    record |= {"task": "translate", "prompt_version": PROMPT_VERSION, **used}
    state.details["llm"] = record
    return StageReport(
        scores={
            **quoted.scores,
            "prompt_tokens": float(used["prompt_tokens"]),
            "completion_tokens": float(used["completion_tokens"]),
            "cost": float(used["cost"]),
            "llm_ms": float(used["latency_ms"]),
        },
        flags=[*flags, *quoted.flags],
        detail={**quoted.detail, **record, "attempts": outcome.attempts},
    )
