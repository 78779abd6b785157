"""Where the service's own log lines go when it serves: every module logs to
``logging.getLogger(__name__)`` under ``frontdesk``; this sends those lines (ids and
timings, never message text) to stderr beside uvicorn's.

A traceback is where customer text would slip in: an exception's message may quote what
it failed on (a driver error its SQL parameters, a parser the offending input). Every
handler :func:`configure` touches therefore prints tracebacks as frames and exception
*types* only (:class:`WithheldMessageFormatter`); the frames say where, the request and
job ids in the log line say which.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers whose handlers get the withholding formatter: ours, uvicorn's and the root's.
_LOGGERS = ("frontdesk", "uvicorn", "uvicorn.error", "uvicorn.access", "")

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


def configure(level: int = logging.INFO) -> None:
    """Idempotent: a second call (or a host app's own handler) adds nothing."""
    logger = logging.getLogger("frontdesk")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(WithheldMessageFormatter())
        logger.addHandler(handler)
    withhold_exception_messages()
