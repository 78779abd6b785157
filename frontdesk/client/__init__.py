"""A typed Python client of the Frontdesk API (httpx), sync and async.

    from frontdesk.client import Client

    with Client("http://127.0.0.1:8000", "fd_...") as api:
        conversation = api.create_conversation()
        turn = api.post_message(conversation.id, "How do I reset my password?")

Every method raises :class:`FrontdeskAPIError` (status, ``code``, ``message``, ``field``)
when the API refuses a request. See docs/client.md.
"""

from __future__ import annotations

from frontdesk.client.aio import AsyncClient
from frontdesk.client.call import FrontdeskAPIError
from frontdesk.client.sse import Event
from frontdesk.client.sync import Client

__all__ = ["AsyncClient", "Client", "Event", "FrontdeskAPIError"]
