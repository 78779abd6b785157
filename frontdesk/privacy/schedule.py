"""Retention on a timer: every replica of ``frontdesk serve`` sweeps each interval.
Erasing is idempotent (two replicas sweeping at once delete each row once), so no
coordination is needed."""

from __future__ import annotations

import logging
import threading

from frontdesk.privacy.service import PrivacyService

log = logging.getLogger(__name__)


class RetentionSweeper:
    def __init__(self, privacy: PrivacyService, interval_s: float) -> None:
        self._privacy = privacy
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="frontdesk-retention", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                receipts = self._privacy.apply_retention_everywhere()
            except Exception:  # a failed sweep is retried next interval
                log.exception("retention sweep failed; retrying in %.0f s", self._interval)
                continue
            for tenant_id, receipt in receipts.items():
                if receipt["removed"]["conversations"]:
                    log.info(
                        "retention erased tenant=%s conversations=%d before=%s",
                        tenant_id,
                        receipt["removed"]["conversations"],
                        receipt["cutoff"],
                    )
