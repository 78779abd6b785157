"""Where the service's own log lines go when it serves: every module logs to
``logging.getLogger(__name__)`` under ``frontdesk``; this sends those lines (ids and
timings, never message text) to stderr beside uvicorn's.

A traceback is where customer text would slip in: an exception's message may quote what
it failed on (a driver error its SQL parameters, a parser the offending input). Every
handler :func:`configure` touches therefore prints tracebacks as frames and exception
*types* only (:class:`WithheldMessageFormatter`); the frames say where, the request and
job ids in the log line say which.

``text`` is the classic one-line format. ``json`` (``FRONTDESK_LOG_FORMAT=json``) writes
one object per line: ``time``, ``level``, ``logger``, ``event``, the request's
``request_id`` and ``tenant``, and every ``key=value`` pair of the message as a field
(``route``, ``status``, ``duration_ms``, ``conversation``, …), so the existing log calls
become structured without changing them."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

from frontdesk.monitoring import context

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_PAIR = re.compile(r"(\w+)=(\S+)")
# Loggers whose handlers get the withholding formatter: ours, uvicorn's and the root's.
_LOGGERS = ("frontdesk", "uvicorn", "uvicorn.error", "uvicorn.access", "")

# A query parameter that carries a secret (the Chatwoot webhook URL's ``secret``).
_SECRET_QUERY = re.compile(r"(?i)([?&](?:secret|token)=)[^&\s\"]*")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class WithheldMessageFormatter(logging.Formatter):
    """Formats like ``inner`` (or :data:`FORMAT`), but a traceback shows each exception's
    type and frames, never its message."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__(FORMAT)
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        exc_info, exc_text = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            line = self.inner.format(record) if self.inner else super().format(record)
        finally:
            record.exc_info, record.exc_text = exc_info, exc_text
        if exc_info and exc_info[0] is not None:
            line = f"{line}\n{self.formatException(exc_info)}"
        return line

    def formatException(self, ei: ExcInfo) -> str:
        _, value, tb = ei
        if value is None:
            return ""
        parts: list[str] = []
        seen: set[int] = set()
        current: BaseException | None = value
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            frames = traceback.format_tb(current.__traceback__ if current is not value else tb)
            parts.insert(
                0,
                "Traceback (most recent call last):\n"
                + "".join(frames)
                + f"{type(current).__module__}.{type(current).__qualname__}: "
                "(message withheld: it may quote customer text)",
            )
            current = current.__cause__ or current.__context__
        return "\nDuring handling of the above exception, another occurred:\n".join(parts)


def withhold_exception_messages() -> None:
    """Give every handler of the service's loggers the withholding formatter (idempotent)."""
    for name in _LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not isinstance(handler.formatter, WithheldMessageFormatter):
                handler.setFormatter(WithheldMessageFormatter(handler.formatter))


def _value(raw: str) -> Any:
    for parse in (int, float):
        try:
            return parse(raw)
        except ValueError:
            continue
    return raw


class JsonFormatter(logging.Formatter):
    """One JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        first = _PAIR.search(message)
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": (message[: first.start()] if first else message).strip(),
        }
        request = context.current()
        if request is not None:
            out["request_id"] = request.request_id
            if request.tenant:
                out["tenant"] = request.tenant
        for key, raw in _PAIR.findall(message):
            out.setdefault(key, _value(raw))
        if record.exc_info:  # frames and types only, as in text logs
            out["error"] = WithheldMessageFormatter().formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def formatter(kind: Literal["text", "json"]) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else WithheldMessageFormatter()


class SecretQueryFilter(logging.Filter):
    """Masks secrets in request paths (uvicorn's access lines print the query string): a
    help desk that cannot send headers puts its shared secret in the webhook URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = _SECRET_QUERY.sub(r"\1***", record.msg)
        return True


def configure(level: int = logging.INFO, kind: Literal["text", "json"] = "text") -> None:
    """Idempotent: a second call (or a host app's own handler) adds nothing."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, SecretQueryFilter) for f in access.filters):
        access.addFilter(SecretQueryFilter())
    logger = logging.getLogger("frontdesk")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter(kind))
        logger.addHandler(handler)
    withhold_exception_messages()
