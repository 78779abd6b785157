"""The background loop every replica runs: evaluate due alert rules, send due webhook
deliveries. Both claim their work row by row in the database, so running it on every
replica does each piece of work once."""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod

from frontdesk.operations.alerts import AlertDesk
from frontdesk.operations.webhooks import WebhookDesk

log = logging.getLogger(__name__)


class PeriodicLoop(ABC):
    """A daemon thread that calls :meth:`run_once` every ``interval_s`` (never if it is 0)
    until :meth:`stop`; a failed pass is logged and the next one runs as planned. Work is
    claimed row by row in the database by the subclasses, so every replica may run it."""

    name = "frontdesk-loop"

    def __init__(self, interval_s: float) -> None:
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @abstractmethod
    def run_once(self) -> object:
        """One pass over the work that is due."""

    def start(self) -> None:
        if self._interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.run_once()
            except Exception:
                log.exception("%s pass failed", self.name)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None


class OperationsLoop(PeriodicLoop):
    name = "frontdesk-operations"

    def __init__(self, alerts: AlertDesk, webhooks: WebhookDesk, interval_s: float) -> None:
        super().__init__(interval_s)
        self._alerts = alerts
        self._webhooks = webhooks

    def run_once(self) -> tuple[int, int]:
        """One pass: (rules evaluated, deliveries attempted)."""
        return self._alerts.evaluate_due(), self._webhooks.deliver_due()
