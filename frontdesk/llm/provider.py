"""One OpenAI-compatible chat client for vLLM, Ollama, llama.cpp's server and hosted APIs.

Auth and base URL live here, the wire format is ``/chat/completions``. A call retries
connection errors, 5xx, 429 and malformed 2xx bodies with exponential backoff inside
one total deadline; other 4xx are the caller's mistake and are raised at once. A read
timeout is not retried: the model is slow, and asking again would only double the wait.

Streams are server-sent events (``data: {...}`` lines ending with ``data: [DONE]``). A
stream that ends without ``[DONE]`` or a finish reason was cut off and raises
:class:`~frontdesk.llm.errors.LlmTruncatedError`; it is never retried once text has
been handed to the caller.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import (
    LlmError,
    LlmHTTPError,
    LlmProtocolError,
    LlmTimeoutError,
    LlmTransportError,
    LlmTruncatedError,
)

log = logging.getLogger(__name__)

Message = dict[str, str]
_MAX_ERROR_BODY = 300
_MAX_BODY = 4 << 20


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    @classmethod
    def from_body(cls, body: object) -> Usage:
        if not isinstance(body, dict):
            return cls()
        details = body.get("prompt_tokens_details")
        cached = details.get("cached_tokens", 0) if isinstance(details, dict) else 0
        return cls(
            prompt_tokens=_int(body.get("prompt_tokens")),
            completion_tokens=_int(body.get("completion_tokens")),
            cached_tokens=_int(cached),
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """One finished answer with what it cost."""

    provider: str
    model: str
    text: str
    finish_reason: str | None
    usage: Usage
    cost: float
    latency_ms: float
    attempts: int
    first_token_ms: float | None = None


@dataclass(slots=True)
class UsageTotals:
    """Running totals per provider since start-up (thread-safe through ``add``)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, completion: Completion) -> None:
        with self._lock:
            self.requests += 1
            self.prompt_tokens += completion.usage.prompt_tokens
            self.completion_tokens += completion.usage.completion_tokens
            self.cost += completion.cost


class ChatStream:
    """Iterate for text deltas; ``completion`` is set once the stream ended properly."""

    def __init__(self, deltas: Iterator[str]) -> None:
        self._deltas = deltas
        self.completion: Completion | None = None

    def __iter__(self) -> Iterator[str]:
        return self._deltas

    def text(self) -> str:
        """Drain the stream and return the whole text."""
        return "".join(self)


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
        self._sleep = sleep
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = config.api_key()
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(
            base_url=config.url, headers=headers, transport=transport, trust_env=False
        )

    @property
    def name(self) -> str:
        return self.config.name

    def close(self) -> None:
        self._client.close()

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
        deadline = started + self._budget(deadline_s)
        payload = self._payload(messages, max_tokens, temperature, response_format, seed, stop)
        attempts = 0
        last: LlmError | None = None
        while attempts <= self.config.max_retries:
            attempts += 1
            try:
                with self._open(payload, deadline) as response:
                    body = self._read_json(response, deadline)
                completion = self._completion(body, started, attempts)
                self.totals.add(completion)
                return completion
            except (LlmTransportError, LlmProtocolError) as exc:
                last = exc
            except LlmHTTPError as exc:
                if not exc.retryable:
                    raise
                last = exc
            if not self._backoff(attempts, deadline, last):
                break
        assert last is not None
        raise last

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
        deadline = started + self._budget(deadline_s)
        payload = self._payload(messages, max_tokens, temperature, response_format, seed, stop)
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
        stream = ChatStream(iter(()))
        stream._deltas = self._stream_deltas(stream, payload, started, deadline)
        return stream

    def _stream_deltas(
        self, stream: ChatStream, payload: dict[str, Any], started: float, deadline: float
    ) -> Iterator[str]:
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._open(payload, deadline).__enter__()
                break
            except (LlmTransportError, LlmHTTPError) as exc:
                if isinstance(exc, LlmHTTPError) and not exc.retryable:
                    raise
                if attempts > self.config.max_retries or not self._backoff(attempts, deadline, exc):
                    raise
        parts: list[str] = []
        finish: str | None = None
        usage = Usage()
        done = False
        first_token_ms: float | None = None
        try:
            for data in self._sse_data(response, deadline):
                if data == "[DONE]":
                    done = True
                    break
                chunk = _loads(data, self.name)
                if "error" in chunk:
                    raise LlmProtocolError(
                        f"provider {self.name!r} sent an error mid-stream: "
                        f"{str(chunk['error'])[:_MAX_ERROR_BODY]}",
                        provider=self.name,
                    )
                if chunk.get("usage"):
                    usage = Usage.from_body(chunk["usage"])
                for choice in chunk.get("choices") or []:
                    if not isinstance(choice, dict):
                        continue
                    finish = choice.get("finish_reason") or finish
                    delta = choice.get("delta") or {}
                    text = delta.get("content") if isinstance(delta, dict) else None
                    if isinstance(text, str) and text:
                        if first_token_ms is None:
                            first_token_ms = (self._clock() - started) * 1000
                        parts.append(text)
                        yield text
        finally:
            response.close()
        if not done and finish is None:
            raise LlmTruncatedError(
                f"provider {self.name!r}: the stream ended without [DONE] or a finish reason",
                provider=self.name,
            )
        completion = Completion(
            provider=self.name,
            model=self.config.model,
            text="".join(parts),
            finish_reason=finish,
            usage=usage,
            cost=self.config.prices.cost(usage.prompt_tokens, usage.completion_tokens),
            latency_ms=(self._clock() - started) * 1000,
            attempts=attempts,
            first_token_ms=first_token_ms,
        )
        self.totals.add(completion)
        stream.completion = completion

    def _budget(self, deadline_s: float | None) -> float:
        if deadline_s is None:
            return self.config.deadline_s
        return max(0.0, min(deadline_s, self.config.deadline_s))

    def _payload(
        self,
        messages: list[Message],
        max_tokens: int,
        temperature: float,
        response_format: dict[str, Any] | None,
        seed: int | None,
        stop: list[str] | None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.config.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if response_format is not None:
            payload["response_format"] = response_format
        if seed is not None:
            payload["seed"] = seed
        if stop:
            payload["stop"] = stop
        return payload

    def _timeout(self, deadline: float) -> httpx.Timeout:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise LlmTimeoutError(
                f"provider {self.name!r}: deadline of {self.config.deadline_s}s exceeded",
                provider=self.name,
            )
        return httpx.Timeout(
            connect=min(self.config.connect_timeout_s, remaining),
            read=min(self.config.read_timeout_s, remaining),
            write=min(self.config.read_timeout_s, remaining),
            pool=min(self.config.connect_timeout_s, remaining),
        )

    def _open(self, payload: dict[str, Any], deadline: float) -> _Response:
        request = self._client.build_request(
            "POST", "/chat/completions", json=payload, timeout=self._timeout(deadline)
        )
        try:
            response = self._client.send(request, stream=True)
        except httpx.ConnectTimeout as exc:
            raise LlmTransportError(
                f"provider {self.name!r}: connect timed out ({exc.__class__.__name__})",
                provider=self.name,
            ) from exc
        except httpx.TimeoutException as exc:
            raise LlmTimeoutError(
                f"provider {self.name!r}: no response within the read timeout", provider=self.name
            ) from exc
        except httpx.TransportError as exc:
            raise LlmTransportError(
                f"provider {self.name!r}: {exc.__class__.__name__}: {exc}", provider=self.name
            ) from exc
        if response.status_code >= 400:
            try:
                detail = response.read()[:_MAX_ERROR_BODY].decode("utf-8", "replace")
            except httpx.HTTPError:
                detail = ""
            finally:
                response.close()
            raise LlmHTTPError(
                f"provider {self.name!r} answered HTTP {response.status_code}: {detail}",
                provider=self.name,
                status=response.status_code,
                retry_after_s=_retry_after(response.headers.get("retry-after")),
            )
        return _Response(response)

    def _read_json(self, response: httpx.Response, deadline: float) -> dict[str, Any]:
        body = bytearray()
        try:
            for block in response.iter_bytes():
                body.extend(block)
                if len(body) > _MAX_BODY:
                    raise LlmProtocolError(
                        f"provider {self.name!r}: response body over {_MAX_BODY} bytes",
                        provider=self.name,
                    )
                self._check_deadline(deadline)
        except httpx.TimeoutException as exc:
            raise LlmTimeoutError(
                f"provider {self.name!r}: response stalled past the read timeout",
                provider=self.name,
            ) from exc
        except httpx.TransportError as exc:
            raise LlmTransportError(
                f"provider {self.name!r}: response cut off ({exc.__class__.__name__})",
                provider=self.name,
            ) from exc
        return _loads(bytes(body).decode("utf-8", "replace"), self.name)

    def _sse_data(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        """The payloads of ``data:`` lines; comments, ``event:`` and blank lines skipped."""
        try:
            for line in response.iter_lines():
                self._check_deadline(deadline)
                if not line or line.startswith(":"):
                    continue
                if line.startswith("data:"):
                    yield line[5:].strip()
                elif not line.startswith(("event:", "id:", "retry:")):
                    raise LlmProtocolError(
                        f"provider {self.name!r}: not a server-sent event line: {line[:80]!r}",
                        provider=self.name,
                    )
        except httpx.TimeoutException as exc:
            raise LlmTimeoutError(
                f"provider {self.name!r}: stream stalled past the read timeout",
                provider=self.name,
            ) from exc
        except httpx.TransportError as exc:
            raise LlmTruncatedError(
                f"provider {self.name!r}: stream cut off ({exc.__class__.__name__})",
                provider=self.name,
            ) from exc

    def _check_deadline(self, deadline: float) -> None:
        if self._clock() > deadline:
            raise LlmTimeoutError(
                f"provider {self.name!r}: deadline of {self.config.deadline_s}s exceeded",
                provider=self.name,
            )

    def _completion(self, body: dict[str, Any], started: float, attempts: int) -> Completion:
        choices = body.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise LlmProtocolError(
                f"provider {self.name!r}: response has no choices", provider=self.name
            )
        message = choices[0].get("message")
        text = message.get("content") if isinstance(message, dict) else None
        if not isinstance(text, str):
            raise LlmProtocolError(
                f"provider {self.name!r}: response has no message content", provider=self.name
            )
        usage = Usage.from_body(body.get("usage"))
        return Completion(
            provider=self.name,
            model=str(body.get("model") or self.config.model),
            text=text,
            finish_reason=choices[0].get("finish_reason"),
            usage=usage,
            cost=self.config.prices.cost(usage.prompt_tokens, usage.completion_tokens),
            latency_ms=(self._clock() - started) * 1000,
            attempts=attempts,
        )

    def _backoff(self, attempts: int, deadline: float, error: LlmError | None) -> bool:
        """Sleep before the next attempt; ``False`` when the deadline leaves no room."""
        if attempts > self.config.max_retries:
            return False
        delay = self.config.backoff_s * (2 ** (attempts - 1))
        if isinstance(error, LlmHTTPError) and error.retry_after_s is not None:
            delay = max(delay, error.retry_after_s)
        if delay >= deadline - self._clock():
            return False
        log.warning(
            "provider %s: attempt %d failed (%s); retrying in %.2fs",
            self.name,
            attempts,
            error.__class__.__name__ if error else "?",
            delay,
        )
        self._sleep(delay)
        return True


class _Response:
    """A streamed response as a context manager that always closes it."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __enter__(self) -> httpx.Response:
        return self.response

    def __exit__(self, *_exc: object) -> None:
        self.response.close()


def _loads(text: str, provider: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LlmProtocolError(
            f"provider {provider!r}: response is not JSON: {text[:80]!r}", provider=provider
        ) from exc
    if not isinstance(value, dict):
        raise LlmProtocolError(
            f"provider {provider!r}: response is not a JSON object", provider=provider
        )
    return value


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the HTTP-date form is ignored)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _int(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
