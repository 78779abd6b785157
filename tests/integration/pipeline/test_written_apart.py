"""Questions that word things differently from the help center, through the real pipeline
of the default release (real embedder and database): words written apart that the
articles write as one ("pick up" / "pickup", "web hook" / "webhook"), and "how do I"
answered from the numbered steps rather than from a passage that only names a menu."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.pipeline.conftest import Compose

pytestmark = pytest.mark.slow

PICKUP = """# Schedule a pickup
<!-- url: https://help.example.com/pickup -->

Book a pickup and our driver collects your labelled parcels from your door.

## Pickup windows

| Day | Windows |
|---|---|
| Monday-Friday | 08:00-12:00, 12:00-16:00 |
| Saturday | 09:00-13:00 (Business plan only) |

There are no pickups on Sundays.
"""
DELIVERY = """# Delivery days
<!-- url: https://help.example.com/delivery -->

Parcels are delivered Monday to Saturday. Saturday delivery for Express parcels costs €4.00.
"""
WEBHOOKS = """# Webhooks
<!-- url: https://help.example.com/webhooks -->

Webhooks send an HTTPS POST request to your server when a shipment changes.

## Add a webhook

1. Go to **Settings > Developers > Webhooks**.
2. Select **Add endpoint** and enter your URL.
3. Use **Send test event** to check your setup.

## Failing endpoints

After 20 failed deliveries the endpoint is disabled. You can re-enable it in **Settings > Developers > Webhooks**.
"""
REFUNDS = """# Refund an unused label
<!-- url: https://help.example.com/refunds -->

Bought a label you don't need? You get your money back as long as it hasn't been scanned.

## After you request a refund

- You receive a credit note by email and in **Settings > Billing > Invoices**.
- If the label is already on a parcel, cross out the barcode.

## Request a refund

1. Go to **Shipments** and open the shipment.
2. Select **More > Request refund**.
3. Select **Confirm refund**.
"""


@pytest.fixture
def helpcenter(ingest_helpcenter: Callable[[dict[str, str]], str]) -> str:
    return ingest_helpcenter(
        {
            "pickup.md": PICKUP,
            "delivery.md": DELIVERY,
            "webhooks.md": WEBHOOKS,
            "refunds.md": REFUNDS,
        }
    )


def test_pick_up_is_answered_from_the_pickup_windows(composed: Compose, helpcenter: str) -> None:
    state = composed(helpcenter, "do you pick up on saturdays?")
    assert state.citations[0].title == "Schedule a pickup", state.answer
    assert "09:00-13:00" in state.answer


def test_web_hook_finds_the_webhook_steps(composed: Compose, helpcenter: str) -> None:
    state = composed(helpcenter, "how do i set up a web hook")
    assert state.citations[0].title == "Webhooks", state.answer
    assert "Add endpoint" in state.answer


def test_how_do_i_is_answered_from_the_numbered_steps(composed: Compose, helpcenter: str) -> None:
    state = composed(helpcenter, "how do i get a refund for a label i didn't use")
    assert "Request refund" in state.answer, state.answer
