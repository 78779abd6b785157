"""The TLS context of Frontdesk's outgoing HTTP clients, built once per process.

Building one reads the CA bundle (~30 ms, more on a busy host); httpx builds a new one
for every client, and a Frontdesk makes several (webhooks, Chatwoot, each LLM provider)
every time it starts or builds a pipeline for a release.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def client_tls(trust_env: bool = True) -> ssl.SSLContext:
    """httpx's default context (certifi's CAs; ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when
    ``trust_env``), shared: an ``SSLContext`` may serve many connections at once."""
    return httpx.create_ssl_context(trust_env=trust_env)
