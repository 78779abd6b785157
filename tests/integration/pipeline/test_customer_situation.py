"""What the customer says about their situation picks the answer, through the real pipeline
of the default release (real embedder and database): what they lack ("i never saved the
backup codes") and what their screen says ("it says too many attempts")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from frontdesk.domain.conversation import Turn
from frontdesk.runtime import Frontdesk
from tests.integration.pipeline.conftest import Compose

pytestmark = pytest.mark.slow

TWO_FACTOR = """# Lost access to two-factor authentication
<!-- url: https://help.example.com/lost-2fa -->

If you've lost your phone or deleted your authenticator app, you can still get back into your account.

## Option 1: Use a backup code

When you set up 2FA, you received **10 backup codes**.

1. Sign in with your email and password.
2. On the code screen, select **Use a backup code**.
3. Enter one of your unused backup codes.

## Option 2: Identity verification by support

If you have no backup codes, contact support by phone (+49 30 5550 1420) with the subject "2FA recovery". Recovery takes up to **3 business days**.
"""
LOCKED = """# Account locked after failed sign-in attempts
<!-- url: https://help.example.com/locked -->

To protect your account from people guessing your password, we temporarily lock sign-in.

After **5 failed sign-in attempts** in a row, sign-in is locked for **15 minutes**. You see the message "Too many attempts. Try again in 15 minutes." A password reset removes the lock immediately.
"""
LABELS = """# Print a shipping label
<!-- url: https://help.example.com/print-label -->

Every parcel needs a label with a barcode. You can print it yourself on A4 paper or a label printer.

## Print a label again

Go to Shipments, open the shipment and select **Print label** again. You can reprint a label as often as you need right now.
"""


@pytest.fixture
def helpcenter(ingest_helpcenter: Callable[[dict[str, str]], str]) -> str:
    return ingest_helpcenter(
        {"lost-2fa.md": TWO_FACTOR, "locked.md": LOCKED, "print-label.md": LABELS}
    )


def _ask(frontdesk: Frontdesk, tenant_id: str, message: str) -> Turn:
    conversation = frontdesk.conversations.create(tenant_id)
    return frontdesk.conversations.post_message(tenant_id, conversation.id, message).turn


def test_a_customer_without_backup_codes_is_not_told_to_enter_one(
    composed: Compose, helpcenter: str
) -> None:
    state = composed(
        helpcenter,
        "phone got stolen and i never saved the backup codes. how do i get back into my account",
    )
    assert state.answer.startswith("If you have no backup codes, contact support"), state.answer
    assert "Enter one of your unused backup codes" not in state.answer


def test_a_customer_with_backup_codes_still_gets_them(composed: Compose, helpcenter: str) -> None:
    state = composed(helpcenter, "lost my phone, how do i sign in with a backup code")
    assert "Use a backup code" in state.answer, state.answer


def test_a_quoted_message_finds_the_article_that_quotes_it(
    frontdesk: Frontdesk, composed: Compose, helpcenter: str
) -> None:
    message = "it says too many attempts and i need to print a label right now"
    state = composed(helpcenter, message)
    assert state.citations[0].url == "https://help.example.com/locked", state.citations
    assert "15 minutes" in state.answer, state.answer
    # and the served turn's trace says why (the chunk, never the customer's words)
    retrieve = next(
        s for s in _ask(frontdesk, helpcenter, message).trace if s["name"] == "retrieve"
    )
    assert retrieve["detail"]["quote_hop"] == state.details["quote_hop"]
