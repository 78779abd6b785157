"""Calls to Chatwoot's REST API (``{base}/api/v1/accounts/{account_id}/...``) with the
account's access token in the ``api_access_token`` header.

Failures are sorted by what to do next (:class:`ChatwootCallError.kind`):
``unauthorized`` (401/403: the token is wrong or revoked; retried slowly until someone
configures a new one), ``unreachable`` (connection error, timeout, 429 or 5xx: retried
with backoff), ``rejected`` (another 4xx, e.g. the conversation was deleted: retrying
cannot help). Neither the token nor message text is ever put in an error or a log line.
"""

from __future__ import annotations

from typing import Any

import httpx

from frontdesk.tls import client_tls

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
USER_AGENT = "Frontdesk-Chatwoot/1"


class ChatwootCallError(Exception):
    def __init__(self, kind: str, detail: str, status_code: int | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status_code = status_code


def _kind(status_code: int) -> str:
    if status_code in (401, 403):
        return "unauthorized"
    if status_code == 429 or status_code >= 500:
        return "unreachable"
    return "rejected"


class ChatwootClient:
    """One shared HTTP client; each call names the account it acts for."""

    def __init__(self, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(
            timeout=TIMEOUT, follow_redirects=False, verify=client_tls()
        )

    def close(self) -> None:
        self._client.close()

    def post(
        self, base_url: str, account_id: int, token: str, path: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """POST ``body`` to ``path`` (below the account); the JSON answer, or
        :class:`ChatwootCallError`."""
        url = f"{base_url.rstrip('/')}/api/v1/accounts/{account_id}{path}"
        headers = {"api_access_token": token, "User-Agent": USER_AGENT}
        try:
            response = self._client.post(url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ChatwootCallError("unreachable", type(exc).__name__) from None
        if not response.is_success:
            raise ChatwootCallError(
                _kind(response.status_code),
                f"HTTP {response.status_code} from POST {path}",
                response.status_code,
            )
        try:
            answer = response.json()
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}
