"""A tenant-isolation matrix generated from the route table: every operation of the
OpenAPI, with every role's key of tenant acme, aimed at tenant globex's real ids.

An operation the role may not use answers 403; one it may use answers 404 for the other
tenant's ids (never 200, never their data); an operation without ids in its path answers
without any of globex's ids in its body. Every operation needs an entry in ``MATRIX``
(who may call it, and a valid body), so a new route fails here until it is placed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from frontdesk.domain.release import Actor
from frontdesk.domain.tenant import KeyRole, Principal
from frontdesk.runtime import Frontdesk
from frontdesk.testing.releases import as_text, release_document

ALL = ("admin", "agent", "widget")
STAFF = ("admin", "agent")
ADMIN = ("admin",)
MULTIPART = "multipart"  # an upload: the body is not what this matrix checks

# (method, path) -> (roles allowed, body; "{name}" strings are filled with globex's ids)
MATRIX: dict[tuple[str, str], tuple[tuple[str, ...], Any]] = {
    ("post", "/v1/conversations"): (ALL, {}),
    ("get", "/v1/conversations"): (STAFF, None),
    ("get", "/v1/conversations/{conversation_id}"): (ALL, None),
    ("post", "/v1/conversations/{conversation_id}/messages"): (ALL, {"text": "hello"}),
    ("post", "/v1/conversations/{conversation_id}/handoff"): (ALL, None),
    ("post", "/v1/conversations/{conversation_id}/leave"): (ALL, None),
    ("post", "/v1/conversations/{conversation_id}/feedback"): (
        ALL,
        {"turn_id": "{turn_id}", "rating": "up"},
    ),
    ("post", "/v1/conversations/{conversation_id}/csat"): (ALL, {"score": 4}),
    ("get", "/v1/conversations/{conversation_id}/events"): (ALL, None),
    ("get", "/v1/conversations/{conversation_id}/turns/{turn_id}/original"): (STAFF, None),
    ("get", "/v1/agents"): (STAFF, None),
    ("post", "/v1/agents"): (ADMIN, {"name": "Kim", "email": "kim@acme.example"}),
    ("patch", "/v1/agents/{agent_id}"): (ADMIN, {"name": "Kim"}),
    ("post", "/v1/agents/{agent_id}/keys"): (ADMIN, None),
    ("post", "/v1/agents/sign-in"): (
        ALL,
        {"tenant": "{tenant_slug}", "email": "{agent_email}", "password": "acme-guess-0123"},
    ),
    ("post", "/v1/agents/sign-out"): (STAFF, None),
    ("get", "/v1/canned-replies"): (STAFF, None),
    ("post", "/v1/canned-replies"): (STAFF, {"title": "Hello", "body": "Hi {{customer_name}}"}),
    ("patch", "/v1/canned-replies/{reply_id}"): (STAFF, {"body": "Hello"}),
    ("delete", "/v1/canned-replies/{reply_id}"): (STAFF, None),
    ("get", "/v1/tickets/{ticket_id}/canned-replies/{reply_id}"): (STAFF, None),
    ("post", "/v1/tickets/{ticket_id}/unassign"): (STAFF, None),
    ("get", "/v1/tickets/{ticket_id}/notes"): (STAFF, None),
    ("post", "/v1/tickets/{ticket_id}/notes"): (STAFF, {"text": "note"}),
    ("get", "/v1/keys"): (ADMIN, None),
    ("post", "/v1/keys"): (ADMIN, {"role": "widget"}),
    ("delete", "/v1/keys/{key_id}"): (ADMIN, None),
    ("get", "/v1/knowledge/documents"): (STAFF, None),
    ("post", "/v1/knowledge/documents"): (ADMIN, MULTIPART),
    ("delete", "/v1/knowledge/documents/{document_id}"): (ADMIN, None),
    ("post", "/v1/knowledge/search"): (STAFF, {"query": "refund policy"}),
    ("get", "/v1/knowledge/quarantine"): (ADMIN, None),
    ("post", "/v1/knowledge/quarantine/{chunk_id}/release"): (ADMIN, None),
    ("get", "/v1/knowledge/suggestions"): (STAFF, None),
    ("post", "/v1/knowledge/faq"): (
        STAFF,
        {"question": "q?", "answer": "a.", "source": {"kind": "ticket", "id": "{ticket_id}"}},
    ),
    ("post", "/v1/knowledge/adapt"): (ADMIN, {"max_steps": 1}),
    ("get", "/v1/knowledge/adapters"): (STAFF, None),
    ("post", "/v1/knowledge/adapters/revert"): (ADMIN, None),
    ("post", "/v1/knowledge/adapters/{version}/activate"): (ADMIN, None),
    ("get", "/v1/jobs/{job_id}"): (STAFF, None),
    ("post", "/v1/jobs/{job_id}/cancel"): (ADMIN, None),
    ("get", "/v1/intents"): (STAFF, None),
    ("post", "/v1/intents/train"): (ADMIN, MULTIPART),
    ("get", "/v1/intents/models"): (STAFF, None),
    ("post", "/v1/intents/models/{version}/activate"): (ADMIN, None),
    ("get", "/v1/tickets"): (STAFF, None),
    ("get", "/v1/tickets/reasons"): (STAFF, None),
    ("get", "/v1/tickets/{ticket_id}"): (STAFF, None),
    ("post", "/v1/tickets/{ticket_id}/assign"): (STAFF, None),
    ("post", "/v1/tickets/{ticket_id}/reply"): (STAFF, {"text": "hello"}),
    ("post", "/v1/tickets/{ticket_id}/resolve"): (STAFF, None),
    ("post", "/v1/tickets/{ticket_id}/handback"): (STAFF, None),
    ("post", "/v1/tickets/{ticket_id}/promote"): (STAFF, {"question": "q?", "answer": "a."}),
    ("get", "/v1/tickets/{ticket_id}/faq-draft"): (STAFF, None),
    ("get", "/v1/events"): (STAFF, None),
    ("get", "/v1/feedback"): (STAFF, None),
    ("get", "/v1/tenant/settings"): (ADMIN, None),
    ("patch", "/v1/tenant/settings"): (ADMIN, {}),
    ("get", "/v1/tenant/budget"): (STAFF, None),
    ("get", "/v1/tenant/messages"): (ALL, None),
    ("get", "/v1/tenant/me"): (ALL, None),
    ("get", "/v1/models"): (ALL, None),
    ("post", "/v1/chat/completions"): (
        ALL,
        {
            "messages": [{"role": "user", "content": "hello"}],
            "metadata": {"conversation_id": "{conversation_id}"},
        },
    ),
    ("get", "/v1/privacy/erasures"): (ADMIN, None),
    ("post", "/v1/privacy/erasures"): (ADMIN, {"conversation_id": "{conversation_id}"}),
    ("get", "/v1/privacy/exports/{customer_id}"): (ADMIN, None),
    ("get", "/v1/audit"): (ADMIN, None),
    ("get", "/v1/releases"): (ADMIN, None),
    ("post", "/v1/releases"): (ADMIN, None),
    ("get", "/v1/releases/diff"): (ADMIN, None),
    ("get", "/v1/releases/status"): (ADMIN, None),
    ("put", "/v1/releases/eval-set"): (ADMIN, None),
    ("post", "/v1/releases/rollback"): (ADMIN, None),
    ("get", "/v1/releases/{release}"): (ADMIN, None),
    ("get", "/v1/releases/{release}/export"): (ADMIN, None),
    ("post", "/v1/releases/{release}/label"): (ADMIN, {"label": "candidate"}),
    ("post", "/v1/releases/{release}/promote"): (ADMIN, {"force": True}),
    ("get", "/v1/rollouts"): (ADMIN, None),
    ("get", "/v1/rollouts/latest"): (ADMIN, None),
    ("post", "/v1/rollouts"): (ADMIN, {"candidate": "{release}", "mode": "canary", "share": 5}),
    ("post", "/v1/rollouts/stop"): (ADMIN, None),
    ("get", "/v1/stats/summary"): (STAFF, None),
    ("get", "/v1/stats/fairness"): (STAFF, None),
    ("get", "/v1/alerts"): (STAFF, None),
    ("get", "/v1/alerts/rules"): (STAFF, None),
    ("post", "/v1/alerts/rules"): (ADMIN, {}),
    ("patch", "/v1/alerts/rules/{rule_id}"): (ADMIN, {"enabled": False}),
    ("delete", "/v1/alerts/rules/{rule_id}"): (ADMIN, None),
    ("get", "/v1/webhooks"): (ADMIN, None),
    ("post", "/v1/webhooks"): (ADMIN, {}),
    ("delete", "/v1/webhooks/{webhook_id}"): (ADMIN, None),
    ("get", "/v1/webhooks/{webhook_id}/deliveries"): (ADMIN, None),
    ("get", "/v1/integrations/chatwoot"): (ADMIN, None),
    ("put", "/v1/integrations/chatwoot"): (
        ADMIN,
        {"base_url": "https://chat.acme.example", "account_id": 1, "token": "acme-token"},
    ),
    ("delete", "/v1/integrations/chatwoot"): (ADMIN, None),
    ("post", "/v1/integrations/chatwoot/{tenant_slug}/events"): (
        ALL,
        {"event": "message_created", "id": 1, "content": "hi", "conversation": {"id": 1}},
    ),
}
STREAMS = {"/v1/events", "/v1/conversations/{conversation_id}/events"}
# Routes a help desk calls with the integration's own secret instead of an API key: no
# key of any tenant gets past that check (401), whatever its role.
# Signing in takes an e-mail and password, not a key: another tenant's agent with a wrong
# password is refused (401) like everyone else.
KEYLESS = {"/v1/integrations/chatwoot/{tenant_slug}/events", "/v1/agents/sign-in"}


def _globex_ids(frontdesk: Frontdesk, tenant_id: str, name: str) -> dict[str, str]:
    """Real records of every kind in tenant globex."""
    frontdesk.knowledge.ingest_bytes(
        tenant_id, "refunds.md", b"# Refunds\n\nRefunds take five working days."
    )
    document = frontdesk.knowledge.list_documents(tenant_id)[0]
    chunk = frontdesk.search(tenant_id, "refunds", 1)[0]
    conversation = frontdesk.conversations.create(tenant_id, customer_id="globex-customer-7")
    webhook, _ = frontdesk.webhooks.create(
        tenant_id, "https://hooks.example.com/globex", ["handoff.created"], ""
    )
    release = frontdesk.releases.create(
        tenant_id, as_text(release_document("matrix")), Actor(name="test", role="admin")
    )
    reply = frontdesk.conversations.post_message(tenant_id, conversation.id, "Refund time?")
    ticket = frontdesk.handoff.request_person(tenant_id, conversation.id)
    job = frontdesk.jobs.submit(tenant_id, "ingest", {"files": []}, 0)
    frontdesk.jobs.wait(job.id, timeout=60)
    _, key = frontdesk.tenants.issue_key(name, "widget")
    frontdesk.chatwoot.config.configure(
        tenant_id,
        base_url="https://chat.globex.example",
        account_id=7,
        token="globex-chatwoot-token",
        secret="globex-chatwoot-secret-0123",
    )
    admin = Principal(tenant_id, name, KeyRole.ADMIN, key.id)
    agent = frontdesk.agents.create(admin, "Globex Gil", "gil@globex.example", "globex-pass-0123")
    canned = frontdesk.canned.create(admin, "Greeting", "Hello {{customer_name}}")
    frontdesk.handoff.add_note(admin, ticket.id, "globex internal note")
    return {
        "agent_id": agent.id,
        "agent_email": agent.email,
        "reply_id": canned.id,
        "conversation_id": conversation.id,
        "turn_id": reply.turn.id,
        "ticket_id": ticket.id,
        "document_id": document.id,
        "chunk_id": chunk.chunk_id,
        "job_id": job.id,
        "key_id": key.id,
        "version": "1",
        "customer_id": "globex-customer-7",
        "tenant_slug": name,
        "release": release.release_id,
        "rule_id": frontdesk.alerts.rules(tenant_id)[0].id,
        "webhook_id": webhook.id,
    }


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def test_every_route_has_an_entry_in_the_matrix(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    routes = {(m, p) for p, ops in paths.items() for m in ops if p.startswith("/v1/")}
    assert routes - set(MATRIX) == set(), "place the new routes in MATRIX"
    assert set(MATRIX) - routes == set(), "MATRIX names routes that no longer exist"


@pytest.mark.parametrize("role", ALL)
def test_no_role_reaches_another_tenants_records(
    http: httpx.Client, frontdesk: Frontdesk, acme, globex, role: str
) -> None:
    theirs = _globex_ids(frontdesk, globex.id, globex.name)
    secrets = set(theirs.values()) - {"1"}
    cells = 0
    for (method, path), (allowed, body) in sorted(MATRIX.items()):
        if body == MULTIPART or (path in STREAMS and role in allowed and "{" not in path):
            continue  # uploads are checked elsewhere; an open stream of one's own is fine
        url = path.format(**theirs)
        headers = {**acme.auth(role), "Idempotency-Key": f"matrix-{role}-{cells}"}
        json_body = _fill(body, theirs) if body is not None else None
        response = http.request(method, url, json=json_body, headers=headers, timeout=30)
        cells += 1
        where = f"{role} {method.upper()} {url}: {response.status_code} {response.text[:200]}"
        if path in KEYLESS:
            assert response.status_code == 401, where
        elif role not in allowed:
            assert response.status_code == 403, where
        elif "{" in path or "source" in (body or {}):
            assert response.status_code == 404, where
        else:
            assert response.status_code < 500, where
        sent = url + str(json_body)  # an error may name the id the caller sent; no other
        assert not any(s in response.text for s in secrets if s not in sent), where
    assert cells >= 30
