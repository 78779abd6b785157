"""Drawing the model's answer: one greedy sample, or several voted on (self-consistency),
each parsed as the JSON answer with one repair try, streamed when asked. Used by
:class:`frontdesk.pipeline.stages.llm_generator.LlmGenerator`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from frontdesk.llm.completion import Completion
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import LlmError, LlmOutputError
from frontdesk.llm.prompts import AnswerPayload, parse_answer, response_format
from frontdesk.llm.provider import OpenAICompatibleProvider
from frontdesk.llm.streaming import AnswerDraft
from frontdesk.pipeline.stages.llm_answers import DraftRelay, choose_by_agreement

_REPAIR = "That was not valid. Reply with only the JSON object described in the instructions."


@dataclass
class AnswerSampler:
    """The generator's sampling settings (see ``LlmGenerator`` for each)."""

    max_tokens: int
    temperature: float
    seed: int | None
    stream: bool
    samples: int
    sample_temperature: float
    canary: str | None
    clock: Callable[[], float] = time.monotonic

    def vote(
        self,
        client: OpenAICompatibleProvider,
        config: ProviderConfig,
        messages: list[dict[str, str]],
        budget_s: float,
        passages: int,
        relay: DraftRelay | None,
    ) -> tuple[AnswerPayload, list[Completion], tuple[float, int]]:
        """The answer, every completion it took, and (share of samples that agree with
        it, samples drawn); a failed extra sample ends sampling without failing the turn."""
        started = self.clock()
        first, completions = self.ask(
            client, config, messages, budget_s, passages, relay, temperature=self.temperature
        )
        payloads = [first]
        for index in range(1, self.samples):
            remaining = budget_s - (self.clock() - started)
            if remaining <= 0:
                break
            try:
                payload, used = self.ask(
                    client,
                    config,
                    messages,
                    remaining,
                    passages,
                    None,
                    temperature=self.sample_temperature,
                    seed=None if self.seed is None else self.seed + index,
                )
            except LlmError:
                break
            payloads.append(payload)
            completions.extend(used)
        chosen, agreement = choose_by_agreement(payloads, passages)
        return chosen, completions, (agreement, len(payloads))

    def ask(
        self,
        client: OpenAICompatibleProvider,
        config: ProviderConfig,
        messages: list[dict[str, str]],
        budget_s: float,
        passages: int,
        relay: DraftRelay | None,
        *,
        temperature: float,
        seed: int | None = None,
    ) -> tuple[AnswerPayload, list[Completion]]:
        """One answer from one provider; invalid JSON is retried once with a repair note."""
        started = self.clock()
        completions: list[Completion] = []
        conversation = list(messages)
        for attempt in range(2):
            remaining = budget_s - (self.clock() - started)
            if relay is not None:
                relay.reset()
            completion = self.call(
                client,
                config,
                conversation,
                remaining,
                passages,
                relay,
                temperature=temperature,
                seed=self.seed if seed is None else seed,
            )
            completions.append(completion)
            try:
                payload = parse_answer(completion.text, canary=self.canary, provider=config.name)
                return payload, completions
            except LlmOutputError:
                if attempt == 1:
                    raise
                conversation = [
                    *messages,
                    {"role": "assistant", "content": completion.text[:2000]},
                    {"role": "user", "content": _REPAIR},
                ]
        raise AssertionError("unreachable")

    def call(
        self,
        client: OpenAICompatibleProvider,
        config: ProviderConfig,
        messages: list[dict[str, str]],
        budget_s: float,
        passages: int,
        relay: DraftRelay | None,
        *,
        temperature: float,
        seed: int | None,
    ) -> Completion:
        options: dict[str, Any] = {
            "max_tokens": self.max_tokens,
            "temperature": temperature,
            "response_format": response_format(json_schema=config.json_schema, passages=passages),
            "seed": seed,
            "deadline_s": budget_s,
        }
        if not self.stream and relay is None:
            return client.complete(messages, **options)
        stream = client.stream(messages, **options)
        draft = AnswerDraft()
        for fragment in stream:
            shown = draft.feed(fragment)
            if shown and relay is not None:
                relay.delta(shown)
        assert stream.completion is not None  # set whenever the stream ended properly
        return stream.completion
