"""The installed ``frontdesk`` command and a real server process, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from frontdesk.testing.http import free_port
from frontdesk.testing.wait import wait_for

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


@pytest.fixture
def env(empty_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FRONTDESK_DATABASE_URL": empty_database_url,
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_ENV": "development",
    }


def cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [FRONTDESK, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_init_tenant_key_and_ask_from_the_command_line(env) -> None:
    cli(env, "init")
    cli(env, "tenants", "create", "acme")
    created = cli(env, "keys", "create", "--tenant", "acme", "--role", "widget")
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("fdk_")
    assert len(key) == 47
    listed = cli(env, "keys", "list", "--tenant", "acme")
    assert key not in listed.stdout + listed.stderr
    asked = cli(env, "ask", "--tenant", "acme", "--json", "How do I reset my password?")
    turn = json.loads(asked.stdout)
    assert {"id", "text", "outcome", "trace"} <= set(turn)
    assert [s["name"] for s in turn["trace"]] == [
        "input_guard",
        "smalltalk",
        "context",
        "needs_person",
        "intent",
        "retrieve",
        "generate",
        "output_guard",
        "decide",
    ]
    assert all("duration_ms" in s for s in turn["trace"])


def test_cli_errors_are_one_clear_line_and_exit_2(env) -> None:
    cli(env, "init")
    missing = cli(env, "keys", "create", "--tenant", "nope", "--role", "admin", check=False)
    assert missing.returncode == 2
    assert "no tenant named 'nope'" in missing.stderr
    assert "Traceback" not in missing.stderr
    cli(env, "tenants", "create", "acme")
    again = cli(env, "tenants", "create", "acme", check=False)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    bad_role = cli(env, "keys", "create", "--tenant", "acme", "--role", "root", check=False)
    assert bad_role.returncode == 2
    assert "root" in bad_role.stderr


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[tuple[str, str]]:
    cli(env, "init")
    cli(env, "tenants", "create", "acme")
    key = cli(env, "keys", "create", "--tenant", "acme", "--role", "widget").stdout.split()[-1]
    port = free_port()
    process = subprocess.Popen(
        [FRONTDESK, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert process.poll() is None, "server exited early"
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(ready, timeout_s=60, interval_s=0.2, what="the server's /readyz")
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_served_api_answers_over_real_http(server) -> None:
    base, key = server
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        conversation = http.post("/v1/conversations")
        assert conversation.status_code == 201
        url = f"/v1/conversations/{conversation.json()['id']}/messages"
        turn = http.post(
            url, json={"text": "Can I change my plan?"}, headers={"Idempotency-Key": "a"}
        )
        assert turn.status_code == 201
        assert turn.json()["trace"]
        retry = http.post(
            url, json={"text": "Can I change my plan?"}, headers={"Idempotency-Key": "a"}
        )
        assert retry.json()["id"] == turn.json()["id"]
        assert (
            http.get("/v1/conversations/x", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )


def test_ingest_command_loads_files_and_documents_jsonl(env, tmp_path: Path) -> None:
    cli(env, "init")
    cli(env, "tenants", "create", "acme")
    docs = tmp_path / "kb.jsonl"
    docs.write_text(
        '{"id": "KB-7", "title": "Opening hours", "text": "Our phone line is open from 8:00 to 18:00 on weekdays.", "url": "https://help.example.com/hours"}\n'
    )
    report = json.loads(cli(env, "ingest", str(docs), "--tenant", "acme", "--json").stdout)
    assert report["added"] == [f"{docs.resolve()}#KB-7"]
    again = json.loads(cli(env, "ingest", str(docs), "--tenant", "acme", "--json").stdout)
    assert again["unchanged"] == report["added"]
    turn = json.loads(
        cli(env, "ask", "--tenant", "acme", "--json", "when is the phone line open?").stdout
    )
    assert turn["outcome"] == "answered"
    assert turn["citations"][0]["document_id"] == "KB-7"
    assert {"document_id", "chunk_id", "title", "url", "score"} <= set(turn["citations"][0])
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK")
    failed = cli(env, "ingest", str(bad), "--tenant", "acme", check=False)
    assert failed.returncode == 1
    assert "unsupported file type .docx" in failed.stderr
