"""Where the service's own log lines go when it serves: every module logs to
``logging.getLogger(__name__)`` under ``frontdesk``; this sends those lines (ids and
timings, never message text) to stderr beside uvicorn's."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: int = logging.INFO) -> None:
    """Idempotent: a second call (or a host app's own handler) adds nothing."""
    logger = logging.getLogger("frontdesk")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
