"""The retry loop every replica runs for help-desk deliveries: messages whose reply could
not be delivered (Chatwoot down, token refused) or whose process died mid-way are taken
up again when due. Rows are claimed one by one, so every replica may run it."""

from __future__ import annotations

from frontdesk.integrations.chatwoot.delivery import ChatwootDelivery
from frontdesk.operations.loop import PeriodicLoop


class IntegrationsLoop(PeriodicLoop):
    name = "frontdesk-integrations"

    def __init__(self, chatwoot: ChatwootDelivery, interval_s: float) -> None:
        super().__init__(interval_s)
        self._chatwoot = chatwoot

    def run_once(self) -> int:
        """One pass: how many messages were taken up."""
        return self._chatwoot.process_due()
