"""Keyed hashes of the contact details a customer writes (e-mail addresses, phone
numbers), so an erasure or access request by e-mail finds their conversations although
only redacted text is stored. HMAC-SHA256 under a key derived from the server secret: the
hashes cannot be reversed or matched by anyone without it."""

from __future__ import annotations

import hashlib
import hmac

from frontdesk.guards.pii.patterns import find_structured
from frontdesk.guards.pii.validators import digits_of

_CONTEXT = b"frontdesk/privacy/identifier-digest/v1"
CONTACT_LABELS = frozenset({"EMAIL", "PHONE"})


def normalise_identifier(value: str) -> str:
    """One spelling per identifier: e-mail addresses lower-cased, phone numbers as digits
    with the international prefix (+ or 00) dropped."""
    value = value.strip()
    if "@" in value:
        return value.lower()
    digits = digits_of(value)
    if digits.startswith("00"):  # 0049… and +49… are one number
        digits = digits[2:]
    return digits if len(digits) >= 7 else value.lower()


class IdentifierHasher:
    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()

    def digest(self, value: str) -> str:
        return hmac.new(self._key, normalise_identifier(value).encode(), hashlib.sha256).hexdigest()

    def digests_in(self, text: str) -> list[str]:
        """The digests of every e-mail address and phone number in ``text``."""
        spans = find_structured(text, CONTACT_LABELS)
        return sorted({self.digest(text[span.start : span.end]) for span in spans})
