"""HTTP to one provider: the httpx client with its auth header, timeouts cut to one total
deadline, and retries with exponential backoff. It moves bytes and knows no wire format.

:meth:`HttpTransport.post` retries connection errors, 5xx, 429 and bodies its ``parse``
rejects (:class:`~frontdesk.llm.errors.LlmProtocolError`) inside the deadline; other 4xx
are the caller's mistake and are raised at once. A read timeout is not retried: the model
is slow, and asking again would only double the wait. :meth:`HttpTransport.open_stream`
retries only until the response starts; a stream is never retried once text may have been
handed on. Which provider to ask, and its circuit breaker, is the fallback chain's business
(:mod:`frontdesk.llm.clients`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from frontdesk.gateway.fair_share import network_wait
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import (
    LlmError,
    LlmHTTPError,
    LlmProtocolError,
    LlmTimeoutError,
    LlmTransportError,
    LlmTruncatedError,
)
from frontdesk.tls import client_tls

log = logging.getLogger(__name__)

T = TypeVar("T")
_MAX_ERROR_BODY = 300
_MAX_BODY = 4 << 20


class HttpTransport:
    def __init__(
        self,
        config: ProviderConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._clock = clock
        self._sleep = sleep
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = config.api_key()
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        self._client = httpx.Client(
            base_url=config.url,
            headers=headers,
            transport=transport,
            trust_env=False,
            verify=client_tls(trust_env=False),
        )

    @property
    def name(self) -> str:
        return self.config.name

    def close(self) -> None:
        self._client.close()

    def deadline(self, started: float, deadline_s: float | None) -> float:
        """The clock time by which a call started at ``started`` must be over: the caller's
        budget, never more than the provider's own ``deadline_s``."""
        if deadline_s is None:
            return started + self.config.deadline_s
        return started + max(0.0, min(deadline_s, self.config.deadline_s))

    def post(
        self, path: str, payload: dict[str, Any], deadline: float, parse: Callable[[str], T]
    ) -> tuple[T, int]:
        """``parse`` of the response body, and the attempts it took."""
        with network_wait():  # the model computes elsewhere: another turn may use the CPU
            return self._post(path, payload, deadline, parse)

    def _post(
        self, path: str, payload: dict[str, Any], deadline: float, parse: Callable[[str], T]
    ) -> tuple[T, int]:
        attempts = 0
        last: LlmError | None = None
        while attempts <= self.config.max_retries:
            attempts += 1
            try:
                response = self._open(path, payload, deadline)
                try:
                    body = self._read_body(response, deadline)
                finally:
                    response.close()
                return parse(body), attempts
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

    def open_stream(
        self, path: str, payload: dict[str, Any], deadline: float
    ) -> tuple[httpx.Response, int]:
        """A started response (the caller closes it) and the attempts it took."""
        with network_wait():
            return self._open_stream(path, payload, deadline)

    def _open_stream(
        self, path: str, payload: dict[str, Any], deadline: float
    ) -> tuple[httpx.Response, int]:
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._open(path, payload, deadline), attempts
            except (LlmTransportError, LlmHTTPError) as exc:
                if isinstance(exc, LlmHTTPError) and not exc.retryable:
                    raise
                if attempts > self.config.max_retries or not self._backoff(attempts, deadline, exc):
                    raise

    def events(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        """The payloads of server-sent ``data:`` lines; comments, ``event:`` and blank
        lines skipped."""
        with self._reading("stream", cut_off=LlmTruncatedError):
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

    def _timeout(self, deadline: float) -> httpx.Timeout:
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise self._deadline_error()
        return httpx.Timeout(
            connect=min(self.config.connect_timeout_s, remaining),
            read=min(self.config.read_timeout_s, remaining),
            write=min(self.config.read_timeout_s, remaining),
            pool=min(self.config.connect_timeout_s, remaining),
        )

    def _open(self, path: str, payload: dict[str, Any], deadline: float) -> httpx.Response:
        request = self._client.build_request(
            "POST", path, json=payload, timeout=self._timeout(deadline)
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
        return response

    def _read_body(self, response: httpx.Response, deadline: float) -> str:
        body = bytearray()
        with self._reading("response", cut_off=LlmTransportError):
            for block in response.iter_bytes():
                body.extend(block)
                if len(body) > _MAX_BODY:
                    raise LlmProtocolError(
                        f"provider {self.name!r}: response body over {_MAX_BODY} bytes",
                        provider=self.name,
                    )
                self._check_deadline(deadline)
        return bytes(body).decode("utf-8", "replace")

    @contextmanager
    def _reading(self, what: str, *, cut_off: type[LlmTransportError]) -> Iterator[None]:
        """httpx failures while ``what`` is read, as the provider's errors: a stall past
        the read timeout, or the connection cut off."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise LlmTimeoutError(
                f"provider {self.name!r}: {what} stalled past the read timeout",
                provider=self.name,
            ) from exc
        except httpx.TransportError as exc:
            raise cut_off(
                f"provider {self.name!r}: {what} cut off ({exc.__class__.__name__})",
                provider=self.name,
            ) from exc

    def _check_deadline(self, deadline: float) -> None:
        if self._clock() > deadline:
            raise self._deadline_error()

    def _deadline_error(self) -> LlmTimeoutError:
        return LlmTimeoutError(
            f"provider {self.name!r}: deadline of {self.config.deadline_s}s exceeded",
            provider=self.name,
        )

    def _backoff(self, attempts: int, deadline: float, error: LlmError | None) -> bool:
        """Sleep before the next attempt; ``False`` when the deadline leaves no room."""
        if attempts > self.config.max_retries:
            return False
        delay = self.config.backoff_s * (2 ** (attempts - 1))
        if isinstance(error, LlmHTTPError) and error.retry_after_s is not None:
            delay = max(delay, error.retry_after_s)
        if delay >= deadline - self._clock():
            log.warning(
                "llm provider %s: attempt %d failed (%s); no time left to retry",
                self.name,
                attempts,
                error.kind if error else "unknown",
            )
            return False
        log.warning(
            "llm provider %s: attempt %d failed (%s); retrying in %.2fs",
            self.name,
            attempts,
            error.kind if error else "unknown",
            delay,
        )
        self._sleep(delay)
        return True


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (the HTTP-date form is ignored)."""
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
