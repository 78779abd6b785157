"""The Chatwoot tests drive the retry loop by hand (with chosen times), so the server's
own background loops are off here."""

from __future__ import annotations

import pytest

from frontdesk.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"operations_interval_s": 0.0})
