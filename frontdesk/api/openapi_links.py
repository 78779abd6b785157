"""OpenAPI links: which response's id feeds which operation's parameter.

They tell a client (and schemathesis's stateful tests) how the API's records chain:
a conversation's id to its messages, a reply's id to feedback on it, a handoff's ticket to
the agent's actions, an upload's job to its status. Live event streams are left out: a
link is followed by one request, and a stream does not end.
"""

from __future__ import annotations

from typing import Any

CONVERSATION = "/v1/conversations/{conversation_id}"
TICKET = "/v1/tickets/{ticket_id}"

_FROM_BODY_ID = "$response.body#/id"
_SAME_CONVERSATION = {"conversation_id": "$request.path.conversation_id"}


def _each(targets: list[tuple[str, str]], parameter: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, {"parameters": {parameter: _FROM_BODY_ID}}) for method, path in targets]


# (method, path, status) of the source -> (method, path, link fields) of each target
LINKS: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any]]]] = {
    ("post", "/v1/conversations", "201"): _each(
        [
            ("get", CONVERSATION),
            ("post", f"{CONVERSATION}/messages"),
            ("post", f"{CONVERSATION}/handoff"),
            ("post", f"{CONVERSATION}/csat"),
        ],
        "conversation_id",
    ),
    ("post", f"{CONVERSATION}/messages", "201"): [
        ("get", CONVERSATION, {"parameters": _SAME_CONVERSATION}),
        ("post", f"{CONVERSATION}/handoff", {"parameters": _SAME_CONVERSATION}),
        (
            "post",
            f"{CONVERSATION}/feedback",
            {
                "parameters": _SAME_CONVERSATION,
                "requestBody": {"turn_id": _FROM_BODY_ID, "rating": "down"},
            },
        ),
        (
            "get",
            f"{CONVERSATION}/turns/{{turn_id}}/original",
            {"parameters": {**_SAME_CONVERSATION, "turn_id": "$response.body#/in_reply_to"}},
        ),
    ],
    ("post", f"{CONVERSATION}/handoff", "201"): _each(
        [
            ("get", TICKET),
            ("post", f"{TICKET}/assign"),
            ("post", f"{TICKET}/reply"),
            ("post", f"{TICKET}/resolve"),
            ("post", f"{TICKET}/handback"),
            ("post", f"{TICKET}/promote"),
            ("get", f"{TICKET}/faq-draft"),
        ],
        "ticket_id",
    ),
    ("post", f"{TICKET}/resolve", "200"): _each(
        [("post", f"{TICKET}/promote"), ("get", f"{TICKET}/faq-draft"), ("get", TICKET)],
        "ticket_id",
    ),
    ("post", "/v1/knowledge/documents", "202"): _each(
        [("get", "/v1/jobs/{job_id}"), ("post", "/v1/jobs/{job_id}/cancel")], "job_id"
    ),
    ("post", "/v1/knowledge/faq", "201"): [
        (
            "delete",
            "/v1/knowledge/documents/{document_id}",
            {"parameters": {"document_id": "$response.body#/document_id"}},
        )
    ],
    ("post", "/v1/keys", "201"): _each([("delete", "/v1/keys/{key_id}")], "key_id"),
    ("post", "/v1/alerts/rules", "201"): _each(
        [("patch", "/v1/alerts/rules/{rule_id}"), ("delete", "/v1/alerts/rules/{rule_id}")],
        "rule_id",
    ),
    ("post", "/v1/webhooks", "201"): _each(
        [
            ("get", "/v1/webhooks/{webhook_id}/deliveries"),
            ("delete", "/v1/webhooks/{webhook_id}"),
        ],
        "webhook_id",
    ),
}


def _name(method: str, path: str) -> str:
    words = [w for w in path.removeprefix("/v1/").replace("-", "/").split("/") if "{" not in w]
    return method.capitalize() + "".join(w.capitalize() for w in words)


def add_links(paths: dict[str, Any]) -> None:
    """Add :data:`LINKS` to the generated ``paths`` (by operationId, so renaming a
    handler cannot break them; a route that no longer exists fails loudly)."""
    for (method, path, status), targets in LINKS.items():
        response = paths[path][method]["responses"][status]
        links = response.setdefault("links", {})
        for target_method, target_path, fields in targets:
            operation_id = paths[target_path][target_method]["operationId"]
            links[_name(target_method, target_path)] = {"operationId": operation_id, **fields}
