"""Language-model generation: an OpenAI-compatible provider, circuit breakers, versioned
prompts and local GGUF models (the ``LlmGenerator`` stage lives in the pipeline)."""

from frontdesk.llm.breaker import BreakerBoard, BreakerState, CircuitBreaker
from frontdesk.llm.completion import ChatStream, Completion, Usage
from frontdesk.llm.config import Prices, ProviderConfig
from frontdesk.llm.errors import (
    BreakerOpenError,
    LlmError,
    LlmHTTPError,
    LlmOutputError,
    LlmProtocolError,
    LlmTimeoutError,
    LlmTransportError,
    LlmTruncatedError,
)
from frontdesk.llm.provider import OpenAICompatibleProvider

__all__ = [
    "BreakerBoard",
    "BreakerOpenError",
    "BreakerState",
    "ChatStream",
    "CircuitBreaker",
    "Completion",
    "LlmError",
    "LlmHTTPError",
    "LlmOutputError",
    "LlmProtocolError",
    "LlmTimeoutError",
    "LlmTransportError",
    "LlmTruncatedError",
    "OpenAICompatibleProvider",
    "Prices",
    "ProviderConfig",
    "Usage",
]
