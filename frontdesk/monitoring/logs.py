"""Where the service's own log lines go when it serves: every module logs to
``logging.getLogger(__name__)`` under ``frontdesk``; this sends those lines (ids and
timings, never message text) to stderr beside uvicorn's.

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
from datetime import UTC, datetime
from typing import Any, Literal

from frontdesk.monitoring import context

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_PAIR = re.compile(r"(\w+)=(\S+)")


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
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def formatter(kind: Literal["text", "json"]) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else logging.Formatter(FORMAT)


def configure(level: int = logging.INFO, kind: Literal["text", "json"] = "text") -> None:
    """Idempotent: a second call (or a host app's own handler) adds nothing."""
    logger = logging.getLogger("frontdesk")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter(kind))
        logger.addHandler(handler)
