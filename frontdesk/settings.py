"""Settings from the environment (``FRONTDESK_`` prefix) or a ``.env`` file.

Nothing reads settings at import time: callers build a :class:`Settings` and pass it on
(``create_app(settings)``, ``Frontdesk(settings)``), so tests can run many side by side.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from frontdesk.errors import ConfigurationError

_WEAK_SECRETS = {"", "changeme", "secret", "change-me", "frontdesk"}


class Settings(BaseSettings):
    """Process-wide configuration. Per-tenant behaviour lives in releases, not here."""

    model_config = SettingsConfigDict(
        env_prefix="FRONTDESK_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "test", "production"] = Field(
        "development",
        description="Outside development and test a real secret key is required.",
    )
    data_dir: Path = Field(
        Path(".frontdesk"),
        description="Where the embedded database, the generated secret and models live.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default is SQLite in data_dir. "
        "postgresql://user@host/db selects PostgreSQL.",
    )
    secret_key: SecretStr | None = Field(
        None,
        description="Server secret that API keys are hashed with (HMAC-SHA256). "
        "Every replica must share it. Generated into data_dir in development.",
    )
    release_file: Path | None = Field(
        None,
        description="A release config (JSON) to run instead of the built-in default, e.g. "
        "one whose generate stage is an llm_generator.",
    )
    redis_url: str | None = Field(
        None, description="Redis for shared rate limits and live updates across replicas."
    )
    max_body_bytes: int = Field(64 * 1024, gt=0, description="Largest request body accepted.")
    max_upload_bytes: int = Field(
        20 * 1024 * 1024, gt=0, description="Largest knowledge upload (all files of one request)."
    )
    max_message_chars: int = Field(4000, gt=0, description="Longest customer message accepted.")
    retention_interval_s: float = Field(
        3600.0,
        ge=0,
        description="How often `frontdesk serve` applies tenants' retention policies; 0 never.",
    )
    rate_limit_per_minute: int = Field(
        120, ge=0, description="Requests per minute per API key; 0 turns rate limiting off."
    )
    turn_slots: int = Field(
        0,
        ge=0,
        description="Customer messages answered at once by one process; more wait, taken "
        "in turn per API key so one key's burst cannot hold up the others. 0: one per CPU.",
    )
    key_turn_share: bool = Field(
        True,
        description="With Redis: share each API key's customer messages across every "
        "replica. A key may answer more than its share at once while no other key's "
        "message waits for a slot; once one waits, the key's next messages wait instead.",
    )
    key_turn_slots: int = Field(
        0,
        ge=0,
        description="A key's share with FRONTDESK_KEY_TURN_SHARE: messages answered at once "
        "across every replica while other keys wait. 0: half the live replicas' turn slots, "
        "at least 1.",
    )
    auth_failures_per_minute: int = Field(
        30,
        ge=0,
        description="Requests per minute from one address that carry no valid API key, "
        "before it gets 429; 0 turns this off.",
    )
    header_timeout_s: float = Field(
        10.0, gt=0, description="A client must send a request's headers within this time."
    )
    cors_origins: tuple[str, ...] = Field(
        ("*",),
        description="Origins whose pages may call the API (the widget); JSON list in the env.",
    )
    log_format: Literal["text", "json"] = Field(
        "text",
        description="Server log lines: text, or json (one object per line with request_id, "
        "tenant, route, status, duration_ms).",
    )
    otlp_endpoint: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="OpenTelemetry collector (OTLP over HTTP, e.g. http://collector:4318): "
        "a span per HTTP request and per pipeline stage is sent there. Empty: no tracing.",
    )
    job_queue: Literal["inprocess", "postgres"] = Field(
        "inprocess",
        description="Where background jobs (ingestion, intent training) run: inprocess, on "
        "a thread of each API process; or postgres, queued in the PostgreSQL database and "
        "run by `frontdesk worker` processes.",
    )
    operations_interval_s: float = Field(
        15.0,
        ge=0,
        description="How often the server evaluates alert rules, sends due webhooks and "
        "retries undelivered Chatwoot replies (seconds; 0 turns the loops off).",
    )
    alert_period_s: int = Field(
        60, gt=0, description="At most one evaluation of each alert rule per this many seconds."
    )
    cache: Literal["off", "exact", "semantic"] = Field(
        "semantic",
        description="Answer cache: off; exact (the same question, normalised, of a fresh "
        "conversation); semantic (also paraphrases, each hit re-verified against the new "
        "question). Per tenant, release and knowledge version.",
    )
    cache_max_entries: int = Field(
        2000, gt=0, description="Answer cache entries kept per tenant (least recently used go)."
    )
    cache_ttl_s: float = Field(
        7 * 24 * 3600.0, gt=0, description="Seconds an answer cache entry may be served."
    )
    smtp_url: str | None = Field(
        None,
        description="SMTP server for mailto: event subscriptions: smtp://host:25 or "
        "smtps://user:password@host:465.",
    )
    smtp_from: str = Field("frontdesk@localhost", description="Sender of event e-mails.")
    multilingual_wait_s: float | None = Field(
        3.0,
        ge=0,
        description="How long a non-English question waits for its tenant's multilingual "
        "index while it is built in the background (minutes for a help center on first "
        "start); after that it searches the index it has (a first build's part embedded "
        "so far), or the default one, and a question not answered meanwhile is handed to "
        "a person. Empty: wait for the build (frontdesk eval always does).",
    )
    multilingual_prebuild: bool = Field(
        True,
        description="Prepare the multilingual index of every tenant answered in other "
        "languages ahead: its passages embedded when knowledge is ingested (stored in the "
        "database) and its index built in the background at start-up, instead of on its "
        "first non-English question.",
    )
    embedding_memo: int = Field(
        0,
        ge=0,
        description="Vectors of this many recent texts the shared encoders keep and reuse "
        "(0: none). Shared across tenants: a tenant could time whether a text was embedded "
        "lately, so it is for single-tenant hosts and tests.",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, gt=0, lt=65536)

    @property
    def resolved_database_url(self) -> str:
        url = self.database_url or f"sqlite:///{self.data_dir / 'frontdesk.db'}"
        # psycopg 3 is the driver we ship; accept the plain URL users paste from their host.
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+psycopg://" + url[len(plain) :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def secret_file(self) -> Path:
        return self.data_dir / "secret_key"

    def secret_key_bytes(self) -> bytes:
        """The HMAC secret for API keys.

        Order: ``FRONTDESK_SECRET_KEY``; else the file ``frontdesk init`` generated in
        ``data_dir`` (development and test only, created on first use there).
        """
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
            if value.strip().lower() in _WEAK_SECRETS or len(value) < 16:
                raise ConfigurationError(
                    "FRONTDESK_SECRET_KEY is a placeholder or shorter than 16 characters; "
                    "set it to a long random value (python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))')."
                )
            return value.encode()
        if self.env == "production":
            raise ConfigurationError(
                "FRONTDESK_SECRET_KEY must be set when FRONTDESK_ENV=production "
                "(all replicas share it; API keys are hashed with it)."
            )
        if not self.secret_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process created it first: use theirs
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(32))
        return self.secret_file.read_text().strip().encode()
