"""Access log lines never show a secret carried in a URL's query."""

from __future__ import annotations

import logging

from frontdesk.monitoring.logs import SecretQueryFilter


def test_a_secret_in_the_query_is_masked_in_access_lines() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1:5000",
            "POST",
            "/v1/integrations/chatwoot/acme/events?secret=cwsec_abc123&x=1",
            "1.1",
            200,
        ),
        None,
    )
    assert SecretQueryFilter().filter(record)
    line = record.getMessage()
    assert "cwsec_abc123" not in line
    assert "/v1/integrations/chatwoot/acme/events?secret=***&x=1" in line
