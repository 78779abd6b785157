"""One OpenAI-compatible chat model for vLLM, Ollama, llama.cpp's server and hosted APIs:
the interface the generator and the assistant call.

Concerns are kept apart the way httpx and pydantic-ai keep them: the
:class:`~frontdesk.llm.transport.HttpTransport` carries bytes (auth, base URL, timeouts,
deadline, retries), :mod:`frontdesk.llm.wire.openai` writes requests and reads replies,
and this class turns a chat into a priced :class:`~frontdesk.llm.completion.Completion`
or a :class:`~frontdesk.llm.completion.ChatStream` of text deltas. A stream that ends
without ``[DONE]`` or a finish reason raises
:class:`~frontdesk.llm.errors.LlmTruncatedError`; it is never retried once text has been
handed to the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from frontdesk.llm.completion import ChatStream, Completion, Message, UsageTotals
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.transport import HttpTransport
from frontdesk.llm.wire import openai


class OpenAICompatibleProvider:
    def __init__(
        self,
        config: ProviderConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.totals = UsageTotals()
        self._clock = clock
        self._http = HttpTransport(config, transport=transport, clock=clock, sleep=sleep)

    @property
    def name(self) -> str:
        return self.config.name

    def close(self) -> None:
        self._http.close()

    def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        response_format: dict[str, Any] | None = None,
        seed: int | None = None,
        stop: list[str] | None = None,
        deadline_s: float | None = None,
    ) -> Completion:
        """A non-streamed chat completion within ``min(deadline_s, config.deadline_s)``."""
        started = self._clock()
        payload = openai.chat_request(
            self.config.model,
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            response_format=response_format,
            seed=seed,
            stop=stop,
        )
        reply, attempts = self._http.post(
            openai.CHAT_PATH,
            payload,
            self._http.deadline(started, deadline_s),
            lambda body: openai.parse_reply(body, self.name),
        )
        completion = self._completion(reply, started, attempts)
        self.totals.add(completion)
        return completion

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        response_format: dict[str, Any] | None = None,
        seed: int | None = None,
        stop: list[str] | None = None,
        deadline_s: float | None = None,
    ) -> ChatStream:
        """A streamed chat completion; connection-level failures are retried before the
        first byte only. Errors surface while iterating."""
        started = self._clock()
        payload = openai.chat_request(
            self.config.model,
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            response_format=response_format,
            seed=seed,
            stop=stop,
            stream=True,
        )
        stream = ChatStream(iter(()))
        stream._deltas = self._deltas(
            stream, payload, started, self._http.deadline(started, deadline_s)
        )
        return stream

    def _deltas(
        self, stream: ChatStream, payload: dict[str, Any], started: float, deadline: float
    ) -> Iterator[str]:
        response, attempts = self._http.open_stream(openai.CHAT_PATH, payload, deadline)
        reader = openai.StreamReader(self.name)
        first_token_ms: float | None = None
        try:
            for data in self._http.events(response, deadline):
                for text in reader.feed(data):
                    if first_token_ms is None:
                        first_token_ms = (self._clock() - started) * 1000
                    yield text
                if reader.done:
                    break
        finally:
            response.close()
        completion = self._completion(reader.reply(), started, attempts, first_token_ms)
        self.totals.add(completion)
        stream.completion = completion

    def _completion(
        self,
        reply: openai.ChatReply,
        started: float,
        attempts: int,
        first_token_ms: float | None = None,
    ) -> Completion:
        return Completion(
            provider=self.name,
            model=reply.model or self.config.model,
            text=reply.text,
            finish_reason=reply.finish_reason,
            usage=reply.usage,
            cost=self.config.prices.cost(reply.usage.prompt_tokens, reply.usage.completion_tokens),
            latency_ms=(self._clock() - started) * 1000,
            attempts=attempts,
            first_token_ms=first_token_ms,
        )
