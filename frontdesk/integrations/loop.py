"""The retry loop every replica runs for help-desk deliveries: messages whose reply could
not be delivered (Chatwoot down, token refused) or whose process died mid-way are taken
up again when due. Rows are claimed one by one, so every replica may run it."""

from __future__ import annotations

import logging
import threading

from frontdesk.integrations.chatwoot.delivery import ChatwootDelivery

log = logging.getLogger(__name__)


class IntegrationsLoop:
    def __init__(self, chatwoot: ChatwootDelivery, interval_s: float) -> None:
        self._chatwoot = chatwoot
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> int:
        """One pass: how many messages were taken up."""
        return self._chatwoot.process_due()

    def start(self) -> None:
        if self._interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="frontdesk-integrations", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.run_once()
            except Exception:
                log.exception("integrations loop pass failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
