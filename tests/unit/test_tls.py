"""Outgoing HTTP clients share one TLS context, and it still verifies certificates."""

from __future__ import annotations

import ssl

from frontdesk.tls import client_tls


def test_the_shared_context_verifies_hosts_and_certificates() -> None:
    for trust_env in (True, False):
        context = client_tls(trust_env)
        assert context is client_tls(trust_env)
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 0
