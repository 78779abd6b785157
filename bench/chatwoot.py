"""A Chatwoot round trip through a fake Chatwoot: message in → answer posted, and
message in → handoff (reply, private note, status open), each asserted on the exact
requests Frontdesk sent (paths, token, bodies checked against Chatwoot's API description
via ``chatwoot-python-client``).

Frontdesk serves the demo tenant (the demo help center) over real HTTP; the fake Chatwoot
is a real HTTP server too. Each round is a new Chatwoot conversation; the time is the
webhook POST as Chatwoot sees it (the reply is delivered before it returns), beside the
same question as a plain ``POST /v1/conversations/{id}/messages`` over the same HTTP
(what the adapter adds: mapping, storing, encryption and the calls to Chatwoot).

    .venv/bin/python bench/chatwoot.py [--rounds 40] [--write]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from chatwoot_client.models.conversation_id_toggle_status_body import (
    ConversationIdToggleStatusBody,
)
from chatwoot_client.models.conversation_message_create import ConversationMessageCreate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from stamp import describe, stamp  # noqa: E402

from frontdesk import Frontdesk, Settings  # noqa: E402
from frontdesk.api.app import create_app  # noqa: E402
from frontdesk.cli.server import DEMO_KNOWLEDGE, DEMO_SOURCES  # noqa: E402
from frontdesk.testing.chatwoot import FakeChatwoot, Recorded, message_event  # noqa: E402
from frontdesk.testing.http import serve  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "chatwoot.json"
SECRET = "bench-chatwoot-secret-0123456789"
ANSWERED = (
    "How much does the Plus plan cost?",
    "How do I reset my password?",
    "How long does a refund take?",
    "Can I change the delivery address after shipping?",
)
HANDOFF = "I want to talk to a real person please"


def _check(request: Recorded, token: str, account: int, conversation: int) -> None:
    """The exact request: path, token, and a body Chatwoot's API description accepts."""
    base = f"/api/v1/accounts/{account}/conversations/{conversation}"
    assert request.method == "POST"
    assert request.token == token
    if request.path == f"{base}/messages":
        model: Any = ConversationMessageCreate
    elif request.path == f"{base}/toggle_status":
        model = ConversationIdToggleStatusBody
    else:
        raise AssertionError(f"unexpected request {request.path}")
    names = {json_name: name for name, json_name in model.attribute_map.items()}
    assert set(request.body) <= set(names), request.body
    model(**{names[k]: v for k, v in request.body.items()})


def _pcts(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


def run(rounds: int, data_dir: Path) -> dict[str, Any]:
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=data_dir,
        secret_key="bench-secret-0123456789abcdef",
        rate_limit_per_minute=0,
        operations_interval_s=0,
    )
    frontdesk = Frontdesk(settings)
    frontdesk.init()
    frontdesk.warm_up()
    tenant = frontdesk.tenants.create_tenant("demo")
    frontdesk.knowledge.ingest_paths(tenant.id, [DEMO_KNOWLEDGE / s for s in DEMO_SOURCES])
    widget, _ = frontdesk.tenants.issue_key("demo", "widget")
    fake = FakeChatwoot()
    timings: dict[str, list[float]] = {"answer": [], "handoff": [], "direct_answer": []}
    outcomes: dict[str, int] = {}
    try:
        with (
            serve(fake.app()) as chatwoot_url,
            serve(create_app(instance=frontdesk)) as frontdesk_url,
            httpx.Client(base_url=frontdesk_url, timeout=60) as client,
        ):
            frontdesk.chatwoot.config.configure(
                tenant.id, base_url=chatwoot_url, account_id=1, token=fake.token, secret=SECRET
            )
            events = f"/v1/integrations/chatwoot/demo/events?secret={SECRET}"
            message_id = 10_000
            for round_ in range(rounds + 2):  # the first two rounds warm up, unmeasured
                for kind in ("answer", "handoff"):
                    message_id += 1
                    conversation = message_id
                    text = ANSWERED[round_ % len(ANSWERED)] if kind == "answer" else HANDOFF
                    before = len(fake.requests)
                    started = time.perf_counter()
                    response = client.post(
                        events, json=message_event(message_id, conversation, text)
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.text
                    receipt = response.json()
                    outcomes[f"{kind}:{receipt['outcome']}"] = (
                        outcomes.get(f"{kind}:{receipt['outcome']}", 0) + 1
                    )
                    sent = fake.requests[before:]
                    for request in sent:
                        _check(request, fake.token, 1, conversation)
                    if receipt["outcome"] == "handoff":
                        assert [r.path.rsplit("/", 1)[1] for r in sent] == [
                            "messages",
                            "messages",
                            "toggle_status",
                        ]
                        assert sent[1].body["private"] is True
                        assert sent[2].body == {"status": "open"}
                    else:
                        assert len(sent) == 1
                        assert sent[0].body["private"] is False
                    if round_ >= 2:
                        measured = "handoff" if receipt["outcome"] == "handoff" else "answer"
                        timings[measured].append(elapsed)
                auth = {"Authorization": f"Bearer {widget}"}
                direct = client.post("/v1/conversations", headers=auth).json()["id"]
                started = time.perf_counter()
                answered = client.post(
                    f"/v1/conversations/{direct}/messages",
                    json={"text": ANSWERED[round_ % len(ANSWERED)]},
                    headers=auth,
                )
                assert answered.is_success, answered.text
                if round_ >= 2:
                    timings["direct_answer"].append((time.perf_counter() - started) * 1000)
    finally:
        frontdesk.close()
    return {
        "rounds": rounds,
        "outcomes": outcomes,
        "answer": _pcts(timings["answer"]),
        "handoff": _pcts(timings["handoff"]),
        "direct_answer": _pcts(timings["direct_answer"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(args.rounds, Path(tmp))
    from frontdesk.releases.config import default_release

    result |= stamp(release=default_release(), dataset="examples/demo-helpcenter")
    print(f"{'round trip':<32} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for key, label in (
        ("answer", "message in -> answer posted"),
        ("handoff", "message in -> handoff (3 calls)"),
        ("direct_answer", "same question, /v1 messages"),
    ):
        row = result[key]
        print(
            f"{label:<32} {row['n']:>4} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['mean_ms']:>8}"
        )
    print("outcomes:", json.dumps(result["outcomes"]))
    print(describe(result))
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
