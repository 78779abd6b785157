"""Generate with a language model, grounded in the retrieved passages, never failing a turn.

The first ``max_passages`` passages go into a versioned prompt; the model answers JSON
with the passage numbers it used. Cited numbers outside the passages given are dropped,
citations are renumbered 1..k in passage order and the answer's ``[n]`` markers follow.
``confidence`` is the extractive evidence of the cited passages (their similarity to the
question), or 0 when the model says the passages are insufficient or cites nothing, so
the decide stage will not send an ungrounded answer.

Fallback chain: each provider in order, skipped while its breaker is open; a timeout,
transport or HTTP error, or invalid JSON twice moves to the next; after the last, the
extractive generator answers. Everything that happened is on the trace: ``llm_timeout``,
``llm_transport``, ``llm_truncated``, ``llm_http_error``, ``llm_protocol``,
``llm_invalid_json``, ``breaker_open``, ``fallback:<provider>``, ``fallback:extractive``.
When the tenant's daily LLM budget is used up (``state.llm_budget_exhausted``) no
provider is called: the extractive generator answers, flagged ``llm_budget_exhausted``.

Streaming: when the caller streams (``state.drafts``) or the release says ``stream``, the
reply is read as a stream and the growing ``answer`` text is shown as a draft; a retry or
fallback resets the draft, and a draft that repeats the canary is withdrawn at once.

Self-consistency (``samples`` > 1): the first sample is greedy, the others are drawn at
``sample_temperature``; the answer whose verdict and cited passages most samples agree on
wins, and the share that agree (``agreement``) scales the evidence the decide stage sees,
so a model that cannot make up its mind is not trusted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from frontdesk.domain.catalogue import CATALOGUE_LANGUAGES
from frontdesk.domain.replies import NO_EVIDENCE_ANSWER
from frontdesk.guards.chat_language import ChatLanguageDetector
from frontdesk.guards.output.entities import mentions, phones, reference_ids
from frontdesk.llm.breaker import BreakerBoard, CircuitBreaker
from frontdesk.llm.clients import ChainOutcome, ClientPool, ask_in_order, breaker_for
from frontdesk.llm.completion import Completion
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.llm.prompts import (
    AnswerPayload,
    build_messages,
    template,
    verbatim_of,
)
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.stages.generate import (
    ExtractiveGenerator,
    citation_for,
    evidence_of,
)
from frontdesk.pipeline.stages.llm_answers import (
    MARKER,
    DraftRelay,
    rewrite_markers,
    usage_record,
)
from frontdesk.pipeline.stages.llm_sampling import AnswerSampler
from frontdesk.pipeline.stages.llm_translation import (
    CROSS_LANGUAGE_MODES,
    sources_foreign,
    translate_quote,
)
from frontdesk.pipeline.state import Passage, TurnState

USE_MODEL = ("always", "cross_language")


@dataclass
class LlmGenerator:
    """The Stage; build it from release params with :meth:`from_params`."""

    name: str
    providers: Sequence[ProviderConfig]
    prompt_version: str = "answer-v1"
    canary: str | None = None
    max_passages: int = 2
    max_tokens: int = 256
    temperature: float = 0.0
    seed: int | None = 0
    deadline_s: float = 20.0
    stream: bool = False  # read the reply as a stream (first-token time on the trace)
    samples: int = 1  # self-consistency: answers drawn per turn, chosen by agreement
    sample_temperature: float = 0.7
    # passages in another language than the reply: "answer" from them, or "translate"
    # the extractive answer (llm_translation)
    cross_language: str = "answer"
    # the model found the passages insufficient: ask once more about the next ones
    retry_insufficient: bool = False
    # "always", or only when the passages are in another language than the reply (a
    # small local model answers worse than the extractive quote in the passages' own
    # language, but writes the customer's: bench/multilingual_llm.py)
    use_model: str = "always"
    extractive: ExtractiveGenerator | None = None
    breakers: BreakerBoard = field(default_factory=BreakerBoard)
    local_models: LocalModelPool | None = None  # serves providers that name a local_model
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        template(self.prompt_version)  # unknown versions fail when the release loads
        if self.max_passages < 1:
            raise ValueError("max_passages must be at least 1")
        if not 1 <= self.samples <= 9:
            raise ValueError("samples must be between 1 and 9")
        if self.use_model not in USE_MODEL:
            raise ValueError(f"use_model must be one of {', '.join(USE_MODEL)}")
        if self.cross_language not in CROSS_LANGUAGE_MODES:
            raise ValueError(f"cross_language must be one of {', '.join(CROSS_LANGUAGE_MODES)}")
        names = [p.name for p in self.providers]
        if len(set(names)) != len(names):
            raise ValueError(f"provider names must be unique, got {names}")
        if self.extractive is None:
            self.extractive = ExtractiveGenerator(name=f"{self.name}:extractive")
        self._clients = ClientPool(self.local_models)
        self._languages = ChatLanguageDetector(CATALOGUE_LANGUAGES)
        self._sampler = AnswerSampler(
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
            stream=self.stream,
            samples=self.samples,
            sample_temperature=self.sample_temperature,
            canary=self.canary,
            clock=self.clock,
        )

    @classmethod
    def from_params(cls, name: str, params: dict[str, Any], **extra: Any) -> LlmGenerator:
        """From a release's stage params: ``providers`` is a list of provider dicts,
        ``extractive`` the fallback generator's params."""
        values = dict(params)
        providers = [ProviderConfig.model_validate(p) for p in values.pop("providers", [])]
        fallback = values.pop("extractive", {})
        # the registry passes the fallback built with its resources (the sentence embedder)
        extractive = extra.pop("extractive", None) or ExtractiveGenerator(
            name=f"{name}:extractive", **fallback
        )
        return cls(name=name, providers=providers, extractive=extractive, **values, **extra)

    def to_params(self) -> dict[str, Any]:
        assert self.extractive is not None
        return {
            "providers": [p.model_dump() for p in self.providers],
            "prompt_version": self.prompt_version,
            "canary": self.canary,
            "max_passages": self.max_passages,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
            "deadline_s": self.deadline_s,
            "stream": self.stream,
            "samples": self.samples,
            "sample_temperature": self.sample_temperature,
            "cross_language": self.cross_language,
            "retry_insufficient": self.retry_insufficient,
            "use_model": self.use_model,
            "extractive": {
                "max_sentences": self.extractive.max_sentences,
                "max_passages": self.extractive.max_passages,
            },
        }

    def warm_up(self) -> None:
        """Create the HTTP clients (and check API key variables) and start the servers of
        local models; no request is sent."""
        for config in self.providers:
            self._clients.get(config)
        if self.use_model == "cross_language" or self.cross_language == "translate":
            self._languages.warm_up()  # lingua's models: seconds, not on a customer's turn

    def close(self) -> None:
        self._clients.close()

    def breaker(self, config: ProviderConfig) -> CircuitBreaker:
        return breaker_for(self.breakers, config)

    def run(self, state: TurnState) -> StageReport:
        if not state.passages:
            return self._extractive(state, flags=[], attempts=[], fallback=False)
        if state.llm_budget_exhausted:
            return self._extractive(
                state, flags=["llm_budget_exhausted"], attempts=[], fallback=True, reason="budget"
            )
        # only a release that treats other languages apart pays for the language check
        apart = self.use_model == "cross_language" or self.cross_language == "translate"
        foreign = apart and sources_foreign(state, self._languages)
        if self.use_model == "cross_language" and not foreign:
            return self._extractive(
                state, flags=["llm_not_needed:same_language"], attempts=[], fallback=False
            )
        if self.cross_language == "translate" and foreign:
            quoted = self._extractive(state, flags=[], attempts=[], fallback=False)
            return translate_quote(
                state,
                quoted,
                providers=self.providers,
                breakers=self.breakers,
                clients=self._clients,
                deadline_s=self.deadline_s,
                clock=self.clock,
                max_tokens=self.max_tokens,
                seed=self.seed,
            )
        started = self.clock()
        relay = DraftRelay(state.drafts, self.canary) if state.drafts is not None else None
        passages = state.passages[: self.max_passages]
        outcome = self._ask_about(state, passages, relay, self.deadline_s)
        flags, attempts = outcome.flags, outcome.attempts
        following = state.passages[self.max_passages : 2 * self.max_passages]
        if self.retry_insufficient and following and self._unanswered(outcome, passages):
            # With one passage a call (what a small model reads reliably), the answer
            # is often in the second: asked again on the next ones before giving up.
            left = self.deadline_s - (self.clock() - started)
            again = self._ask_about(state, following, relay, left)
            flags += [*again.flags, "llm_next_passages"]
            attempts += again.attempts
            if again.value is not None and again.config is not None and outcome.value:
                payload, used, votes = again.value
                # both calls' tokens and cost are the turn's
                again.value = (payload, [*outcome.value[1], *used], votes)
                outcome, passages = again, following
        if outcome.value is None or outcome.config is None:
            if relay is not None:
                relay.reset()
            return self._extractive(state, flags=flags, attempts=attempts, fallback=True)
        payload, completions, votes = outcome.value
        return self._apply(
            state, passages, payload, completions, votes, outcome.config, flags, attempts
        )

    def _unanswered(
        self, outcome: ChainOutcome[tuple[AnswerPayload, Any, Any]], passages: Sequence[Passage]
    ) -> bool:
        """The model found ``passages`` insufficient, named a placeholder they do not
        have, or wrote a long number (a phone, an id) they do not contain: asked for the
        support phone over a passage without one, the 1.5B made one up, which the output
        guard then blocks; the next passage had it."""
        if outcome.value is None:
            return False
        payload = outcome.value[0]
        verbatim = verbatim_of(self.prompt_version, passages)
        answer = verbatim.restore(payload.answer)
        shown = " ".join(p.text for p in passages)
        # the output guard's own finders (foreign_phone / foreign_id would block it)
        written = phones(answer) + reference_ids(answer)
        made_up = [entity for entity in written if not mentions(shown, entity)]
        return not payload.sufficient or bool(verbatim.unknown(payload.answer) or made_up)

    def _ask_about(
        self,
        state: TurnState,
        passages: Sequence[Passage],
        relay: DraftRelay | None,
        deadline_s: float,
    ) -> ChainOutcome[tuple[AnswerPayload, list[Completion], tuple[float, int]]]:
        """The providers in turn, asked about ``passages`` within ``deadline_s``."""
        messages = build_messages(
            self.prompt_version,
            canary=self.canary,
            passages=passages,
            question=state.customer_question,
            history=state.history,
            reply_language=state.reply_language,
        )
        return ask_in_order(
            self.providers,
            breakers=self.breakers,
            clients=self._clients,
            deadline_s=deadline_s,
            clock=self.clock,
            call=lambda client, config, remaining: self._sampler.vote(
                client, config, messages, remaining, len(passages), relay
            ),
        )

    def _apply(
        self,
        state: TurnState,
        passages: Sequence[Passage],
        payload: AnswerPayload,
        completions: list[Completion],
        votes: tuple[float, int],
        config: ProviderConfig,
        flags: list[str],
        attempts: list[dict[str, Any]],
    ) -> StageReport:
        agreement, samples = votes
        given = range(1, len(passages) + 1)
        inline = {int(n) for m in MARKER.finditer(payload.answer) for n in m.group(1).split(",")}
        cited = sorted({n for n in (*payload.citations, *inline) if n in given})
        dropped = sorted({n for n in (*payload.citations, *inline) if n not in given})
        if dropped:
            flags.append("llm_citation_out_of_range")
        renumber = {old: new for new, old in enumerate(cited, start=1)}
        verbatim = verbatim_of(self.prompt_version, passages)
        if verbatim.unknown(payload.answer):  # a menu or phone number the passages lack
            flags.append("llm_unknown_placeholder")
        if not payload.sufficient or verbatim.unknown(payload.answer):
            flags.append("llm_insufficient")
            state.answer, state.citations, state.confidence = NO_EVIDENCE_ANSWER, [], 0.0
        else:
            answer = rewrite_markers(payload.answer, renumber)
            answer = verbatim.restore(answer)
            if not cited:
                flags.append("llm_uncited")
            state.answer = answer
            state.citations = [citation_for(renumber[n], passages[n - 1]) for n in cited]
            evidence = max(evidence_of(passages[n - 1]) for n in cited) if cited else 0.0
            state.confidence = evidence * agreement
        used = usage_record(completions)
        record = {
            "provider": config.name,
            "model": completions[-1].model,
            "prompt_version": self.prompt_version,
            **used,
            "sufficient": payload.sufficient,
            "cited": cited,
            "dropped_citations": dropped,
            "fallback": None if not attempts[:-1] else config.name,
            "first_token_ms": _round(completions[0].first_token_ms),
            "samples": samples,
            "agreement": round(agreement, 4),
        }
        state.details["llm"] = record
        return StageReport(
            scores={
                "evidence": round(state.confidence, 4),
                "prompt_tokens": float(used["prompt_tokens"]),
                "completion_tokens": float(used["completion_tokens"]),
                "cost": float(used["cost"]),
                "llm_ms": float(used["latency_ms"]),
                "agreement": round(agreement, 4),
            },
            flags=flags,
            detail={**record, "attempts": attempts},
        )

    def _extractive(
        self,
        state: TurnState,
        *,
        flags: list[str],
        attempts: list[dict[str, Any]],
        fallback: bool,
        reason: str = "llm_failed",
    ) -> StageReport:
        assert self.extractive is not None
        report = self.extractive.run(state)
        if fallback:
            flags.append("fallback:extractive")
            state.details["llm"] = {"provider": None, "fallback": "extractive", "reason": reason}
        return StageReport(
            scores=report.scores,
            flags=[*flags, *report.flags],
            detail={
                **report.detail,
                "provider": None,
                "fallback": "extractive" if fallback else None,
                "attempts": attempts,
            },
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
