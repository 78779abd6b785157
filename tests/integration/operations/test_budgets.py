"""Daily LLM budgets against a real OpenAI-compatible HTTP server on loopback (every call
reports 100 prompt + 20 completion tokens): the tokens are counted from the stored turns,
at the limit turns fall back to the extractive answer (not errors) and say why, a second
replica over the same database sees the same usage, and the budget rule fires an alert
that reaches the webhook outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from frontdesk.api.app import create_app
from frontdesk.cli.main import app as cli
from frontdesk.domain.conversation import Outcome, Turn
from frontdesk.llm.testing import MisbehavingServer
from frontdesk.releases.config import ReleaseConfig, default_release
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.tables import utcnow
from frontdesk.testing.turns import llm_release

TOKENS_PER_CALL = 120  # what MisbehavingServer reports for a good answer
PRICES = {"prompt_per_1k": 1.0, "completion_per_1k": 2.0}  # 0.1 + 0.04 per call


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No answer cache: every turn here should reach the generator (or its budget check)."""
    return settings.model_copy(update={"cache": "off"})


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    running = MisbehavingServer().start()
    yield running
    running.stop()


@pytest.fixture
def llm(
    settings: Settings, frontdesk: Frontdesk, acme, server, tmp_path: Path
) -> Iterator[Frontdesk]:
    """A replica running an LLM release over the test database, with the acme FAQ."""
    faq = tmp_path / "faq.csv"
    faq.write_text(
        "question,answer\nHow long do refunds take?,Refunds take 5 business days.\n"
        'Do you ship to Norway?,"Yes, Norway is in zone 4."\n'
    )
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    provider = server.provider("ok", prices=PRICES).model_dump()
    replica = Frontdesk(settings, release=llm_release([provider], max_tokens=64))
    replica.warm_up()
    yield replica
    replica.close()


def _ask(replica: Frontdesk, tenant_id: str, text: str = "how long do refunds take?") -> Turn:
    conversation = replica.conversations.create(tenant_id)
    return replica.conversations.post_message(tenant_id, conversation.id, text).turn


def _generate(turn: Turn) -> dict[str, object]:
    return next(stage for stage in turn.trace if stage["name"] == "generate")


def test_turns_fall_back_to_extractive_once_the_token_budget_is_used(
    settings: Settings, frontdesk: Frontdesk, llm: Frontdesk, server, acme
) -> None:
    frontdesk.tenants.configure(acme.id, llm_daily_tokens=3 * TOKENS_PER_CALL - 1)
    with_llm = [_ask(llm, acme.id) for _ in range(3)]
    assert server.hits["ok"] == 3
    for turn in with_llm:
        assert turn.details["llm"]["provider"] == "garbage-ok"
        assert "llm_budget_exhausted" not in turn.details

    status = frontdesk.budgets.status(acme.id)
    assert (status.tokens_used, status.turns, status.exhausted) == (360, 3, True)
    assert status.cost_used == pytest.approx(3 * 0.14)

    limited = _ask(llm, acme.id)
    assert server.hits["ok"] == 3  # no fourth call
    assert limited.outcome is not None
    assert limited.outcome.value == "answered"
    assert "Refunds take 5 business days" in limited.text
    generate = _generate(limited)
    assert {"llm_budget_exhausted", "fallback:extractive"} <= set(generate["flags"])
    assert limited.details["llm"] == {
        "provider": None,
        "fallback": "extractive",
        "reason": "budget",
    }
    assert limited.details["llm_budget_exhausted"] is True
    assert frontdesk.budgets.status(acme.id).tokens_used == 360  # the fallback used none

    # Another replica over the same database counts the same usage (no local state).
    other = Frontdesk(settings, release=llm_release([server.provider("ok").model_dump()]))
    try:
        other.warm_up()
        assert "llm_budget_exhausted" in _generate(_ask(other, acme.id))["flags"]
    finally:
        other.close()
    assert server.hits["ok"] == 3

    # Raising the limit lets the LLM answer again the same day.
    frontdesk.tenants.configure(acme.id, llm_daily_tokens=1000)
    assert _ask(llm, acme.id).details["llm"]["provider"] == "garbage-ok"
    assert server.hits["ok"] == 4


def test_a_cost_budget_limits_too_and_other_tenants_are_not_limited(
    frontdesk: Frontdesk, llm: Frontdesk, server, acme, globex, tmp_path: Path
) -> None:
    faq = tmp_path / "globex.csv"
    faq.write_text("question,answer\nHow long do refunds take?,Refunds take 5 business days.\n")
    frontdesk.knowledge.ingest_paths(globex.id, [faq])
    frontdesk.tenants.configure(acme.id, llm_daily_cost=0.2)  # 0.14 per call
    _ask(llm, acme.id)
    _ask(llm, acme.id)
    assert "llm_budget_exhausted" in _generate(_ask(llm, acme.id))["flags"]
    assert server.hits["ok"] == 2
    assert _ask(llm, globex.id).details["llm"]["provider"] == "garbage-ok"
    assert frontdesk.budgets.status(globex.id).limited is False


def test_reaching_the_budget_fires_an_alert_that_reaches_the_webhook_outbox(
    frontdesk: Frontdesk, llm: Frontdesk, acme
) -> None:
    webhook, _ = frontdesk.webhooks.create(
        acme.id, "https://hooks.example.com/fd", ["alert.firing", "alert.resolved"]
    )
    frontdesk.tenants.configure(acme.id, llm_daily_tokens=2 * TOKENS_PER_CALL)
    rules = [r for r in frontdesk.alerts.rules(acme.id) if r.metric.value == "llm_budget_used"]
    assert [(r.name, r.threshold) for r in rules] == [("LLM budget used up", 1.0)]
    now = utcnow()

    _ask(llm, acme.id)
    assert frontdesk.alerts.evaluate_due(now) >= 1
    assert frontdesk.alerts.history(acme.id) == []  # half used: quiet

    _ask(llm, acme.id)  # exactly at the limit: used up
    frontdesk.alerts.evaluate_due(now + timedelta(minutes=2))
    events = frontdesk.alerts.history(acme.id)
    assert [(e.metric, e.state.value, e.value) for e in events] == [
        ("llm_budget_used", "firing", 1.0)
    ]
    deliveries = frontdesk.webhooks.deliveries(acme.id, webhook.id)
    assert [(d.event_type, d.payload["data"]["metric"]) for d in deliveries] == [
        ("alert.firing", "llm_budget_used")
    ]

    frontdesk.tenants.configure(acme.id, llm_daily_tokens=10 * TOKENS_PER_CALL)  # raised
    frontdesk.alerts.evaluate_due(now + timedelta(minutes=4))
    assert frontdesk.alerts.history(acme.id)[0].state.value == "resolved"


def test_the_budget_is_set_and_shown_by_api_and_cli(
    frontdesk: Frontdesk, acme, globex, cli_env: dict[str, str]
) -> None:
    with TestClient(create_app(instance=frontdesk)) as client:
        admin = acme.auth("admin")
        bad = client.patch("/v1/tenant/settings", json={"llm_daily_tokens": 0}, headers=admin)
        assert bad.status_code == 422
        assert bad.json()["error"]["field"] == "llm_daily_tokens"
        forbidden = client.patch(
            "/v1/tenant/settings", json={"llm_daily_tokens": 5000}, headers=acme.auth("agent")
        )
        assert forbidden.status_code == 403
        changed = client.patch(
            "/v1/tenant/settings",
            json={"llm_daily_tokens": 5000, "llm_daily_cost": 2.5},
            headers=admin,
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["llm_daily_tokens"] == 5000
        shown = client.get("/v1/tenant/budget", headers=acme.auth("agent")).json()
        assert shown["token_limit"] == 5000
        assert shown["cost_limit"] == 2.5
        assert shown["tokens_used"] == 0
        assert shown["exhausted"] is False
        other = client.get("/v1/tenant/budget", headers=globex.auth("admin")).json()
        assert other["token_limit"] is None
        assert other["share_used"] is None
        widget = client.get("/v1/tenant/budget", headers=acme.auth("widget"))
        assert widget.status_code == 403

    runner = CliRunner()
    result = runner.invoke(
        cli, ["tenants", "configure", "globex", "--llm-daily-tokens", "900"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(cli, ["tenants", "budget", "globex", "--json"], env=cli_env)
    assert shown.exit_code == 0, shown.output
    assert '"token_limit": 900' in shown.output
    cleared = runner.invoke(
        cli, ["tenants", "configure", "globex", "--llm-daily-tokens", "0"], env=cli_env
    )
    assert '"llm_daily_tokens":null' in cleared.output
    table = runner.invoke(cli, ["tenants", "budget", "acme"], env=cli_env)
    assert table.exit_code == 0
    assert "5,000" in table.output


def test_a_used_up_budget_also_skips_the_llm_handoff_summary(
    settings: Settings, frontdesk: Frontdesk, llm: Frontdesk, server, acme
) -> None:
    frontdesk.tenants.configure(acme.id, llm_daily_tokens=TOKENS_PER_CALL)
    _ask(llm, acme.id)  # uses the day's tokens
    assert server.hits["ok"] == 1
    data = default_release().model_dump()
    summarizer = {"providers": [server.provider("ok").model_dump()]}
    release = ReleaseConfig.model_validate(
        {**data, "id": "summaries", "version": 1, "summarizer": summarizer}
    )
    replica = Frontdesk(settings, release=release)
    try:
        reply = _ask(replica, acme.id, "I want to talk to a real person please")
    finally:
        replica.close()
    assert reply.outcome is Outcome.HANDOFF
    assert reply.details["handoff_summary"] == {
        "source": "extractive",
        "flags": ["llm_budget_exhausted"],
    }
    assert server.hits["ok"] == 1
