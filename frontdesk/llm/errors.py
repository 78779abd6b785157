"""What can go wrong when Frontdesk talks to a language model.

Each is a :class:`~frontdesk.errors.ServiceUnavailableError` (503) at the API boundary,
although the generator catches them all and falls back, so none should reach a user.

    LlmError
    ├── LlmTimeoutError         connect, read or total deadline exceeded
    ├── LlmTransportError       connection refused or dropped, protocol error
    │   └── LlmTruncatedError   a stream ended without [DONE] or a finish reason
    ├── LlmHTTPError            an HTTP error status (``status``; ``retryable`` for 5xx/429)
    ├── LlmProtocolError        a 2xx response that is not an OpenAI-compatible body
    ├── LlmOutputError          the model's text is not the JSON the prompt asked for
    └── BreakerOpenError        the provider's circuit breaker refuses calls for now
"""

from __future__ import annotations

from frontdesk.errors import ServiceUnavailableError


class LlmError(ServiceUnavailableError):
    code = "llm_unavailable"
    flag = "llm_error"

    def __init__(self, message: str, *, provider: str = "") -> None:
        super().__init__(message)
        self.provider = provider

    @property
    def kind(self) -> str:
        """What went wrong, for logs: never the message, which may quote the prompt."""
        return self.flag


class LlmTimeoutError(LlmError):
    flag = "llm_timeout"


class LlmTransportError(LlmError):
    flag = "llm_transport"


class LlmTruncatedError(LlmTransportError):
    flag = "llm_truncated"


class LlmHTTPError(LlmError):
    flag = "llm_http_error"

    def __init__(
        self, message: str, *, provider: str = "", status: int, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, provider=provider)
        self.status = status
        self.retry_after_s = retry_after_s

    @property
    def kind(self) -> str:
        return f"{self.flag} {self.status}"

    @property
    def retryable(self) -> bool:
        return self.status >= 500 or self.status == 429


class LlmProtocolError(LlmError):
    flag = "llm_protocol"


class LlmOutputError(LlmError):
    flag = "llm_invalid_json"


class BreakerOpenError(LlmError):
    flag = "breaker_open"
