"""``frontdesk integrations chatwoot configure|show|remove`` through the real CLI: the
printed path and secret work against the API, the token is never shown, bad input is a
clean error that changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from frontdesk.runtime import Frontdesk
from tests.conftest import on_sqlite_only

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FRONTDESK, "integrations", "chatwoot", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@on_sqlite_only
def test_configure_show_and_remove(
    client: TestClient, frontdesk: Frontdesk, acme, cli_env: dict[str, str]
) -> None:
    tenant = ["--tenant", "acme"]
    bad = _cli(cli_env, "configure", *tenant, "--base-url", "chat.example.com",
               "--account-id", "1", "--token", "secret-bot-token")  # fmt: skip
    assert bad.returncode == 2
    assert "base_url must be Chatwoot's absolute http(s) address" in bad.stderr
    assert _cli(cli_env, "show", *tenant).returncode == 2  # nothing was stored

    made = _cli(cli_env, "configure", *tenant, "--base-url", "https://chat.example.com/",
                "--account-id", "1", "--token", "secret-bot-token")  # fmt: skip
    assert made.returncode == 0, made.stderr
    path = made.stdout.splitlines()[-1]
    assert path.startswith("/v1/integrations/chatwoot/acme/events?secret=cwsec_")
    assert "secret-bot-token" not in made.stdout + made.stderr

    event = {"event": "conversation_status_changed", "id": 5, "status": "open"}
    assert client.post(path, json=event).json()["status"] == "ignored"

    shown = _cli(cli_env, "show", *tenant, "--json")
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout)
    assert values["base_url"] == "https://chat.example.com"
    assert values["account_id"] == 1
    assert values["state"] == "ok"
    assert "secret-bot-token" not in shown.stdout

    assert _cli(cli_env, "remove", *tenant).returncode == 0
    assert client.post(path, json=event).status_code == 404
