"""E-mail as a second channel for the same events: a subscription whose url is
``mailto:ADDRESS`` gets each event as a plain-text message through the SMTP server of
``FRONTDESK_SMTP_URL`` (``smtp://[user:password@]host:port``; ``smtps://`` for TLS)."""

from __future__ import annotations

import json
import smtplib
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from frontdesk.errors import ConfigurationError

TIMEOUT_S = 10.0


class EmailSender:
    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigurationError(
                "FRONTDESK_SMTP_URL must look like smtp://host:25 or smtps://user:pass@host:465"
            )
        self._tls = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._tls else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._sender = sender

    def send_event(self, to: str, payload: dict[str, Any]) -> None:
        """Raises ``smtplib.SMTPException`` or ``OSError`` when the server refuses or is down."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        data = payload.get("data") or {}
        name = data.get("rule_name") if isinstance(data, dict) else None
        message["Subject"] = f"[Frontdesk] {payload.get('type')}" + (f": {name}" if name else "")
        message["Message-ID"] = f"<{payload.get('id')}@frontdesk>"  # the event id: dedupe
        message.set_content(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        smtp_class = smtplib.SMTP_SSL if self._tls else smtplib.SMTP
        with smtp_class(self._host, self._port, timeout=TIMEOUT_S) as client:
            if self._user:
                client.login(self._user, self._password or "")
            client.send_message(message)
