"""Provider options as release data: serialisable, unknown fields refused.

The API key is the *name* of an environment variable (``api_key_env``), never the value,
so a release can be stored, diffed and logged without leaking a secret.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from frontdesk.errors import ConfigurationError

PositiveSeconds = Annotated[float, Field(gt=0)]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an IP address or ``localhost``) is this machine's loopback."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Prices(BaseModel):
    """What one thousand tokens cost, in the deployment's currency (USD by convention)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt_per_1k: float = Field(0.0, ge=0)
    completion_per_1k: float = Field(0.0, ge=0)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (
            prompt_tokens * self.prompt_per_1k + completion_tokens * self.completion_per_1k
        ) / 1000.0


class ProviderConfig(BaseModel):
    """One OpenAI-compatible endpoint: vLLM, Ollama, llama.cpp's server or a hosted API."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Names the provider on traces and breakers.")
    base_url: str | None = Field(
        None,
        description="Up to and including /v1, e.g. http://127.0.0.1:8080/v1; "
        "omitted for a local_model, whose server Frontdesk starts.",
    )
    local_model: str | None = Field(
        None,
        description="Run this model on a llama.cpp server Frontdesk starts on loopback: a "
        "packaged model name (qwen2.5-coder-0.5b-instruct-q4_k_m) or a path to a .gguf file.",
    )
    local_threads: int = Field(2, ge=1, le=64, description="CPU threads of the local server.")
    local_context: int = Field(4096, ge=512, le=131072, description="Local context tokens.")
    local_parallel: int = Field(1, ge=1, le=16, description="Requests served at once.")
    model: str = Field("default", description="The model name sent in each request.")
    api_key_env: str | None = Field(
        None, description="Name of the env var holding the API key (never the key itself)."
    )
    connect_timeout_s: PositiveSeconds = 2.0
    read_timeout_s: PositiveSeconds = Field(
        10.0, description="Longest wait for the next bytes (first token, next chunk)."
    )
    deadline_s: PositiveSeconds = Field(20.0, description="Whole call, retries included.")
    max_retries: int = Field(2, ge=0, le=5)
    backoff_s: float = Field(0.2, ge=0, description="First retry delay; doubles each retry.")
    prices: Prices = Field(default_factory=Prices)
    failure_threshold: int = Field(
        3, ge=1, description="Consecutive failures that open the breaker."
    )
    cooldown_s: float = Field(30.0, ge=0, description="Open time before a half-open probe.")
    json_schema: bool = Field(
        True, description="Send response_format json_schema; else json_object."
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _one_endpoint(self) -> ProviderConfig:
        if (self.base_url is None) == (self.local_model is None):
            raise ValueError(
                f"provider {self.name!r}: give exactly one of base_url (a running server) "
                "or local_model (a model Frontdesk serves itself)"
            )
        return self

    @property
    def url(self) -> str:
        """The base URL; a local model's is known once its server started."""
        if self.base_url is None:
            raise ConfigurationError(
                f"provider {self.name!r}: the local model's server has not been started"
            )
        return self.base_url

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError(
                "api_key_env is the NAME of an environment variable (letters, digits, _), "
                "not the key itself"
            )
        return value

    def api_key(self) -> str | None:
        """The key from the environment; a named but unset variable is a config error."""
        if self.api_key_env is None:
            return None
        value = os.environ.get(self.api_key_env)
        if not value:
            raise ConfigurationError(
                f"provider {self.name!r}: environment variable {self.api_key_env} is not set"
            )
        return value
