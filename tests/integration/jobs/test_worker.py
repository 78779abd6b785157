"""``frontdesk worker`` in its own process, running jobs an API replica queued in the real
PostgreSQL (FRONTDESK_JOB_QUEUE=postgres): progress through ``/v1/jobs/{id}``, tenants
taking turns, cancellation through the API."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.http import serve
from frontdesk.testing.wait import wait_for

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
SECRET = "test-secret-0123456789abcdef"


def files(n: int, prefix: str, paragraphs: int = 1) -> list[tuple[str, tuple[str, bytes, str]]]:
    """``n`` markdown documents, each with ``paragraphs`` distinct paragraphs (distinct so
    that no embedding is served from the memo)."""

    def body(i: int) -> str:
        return "\n\n".join(
            f"## Depot {i}-{p}\n\nParcel {i} leg {p} ships from depot {i * 7 + p} on route "
            f"{p * 13 + i}, sorted at hub {i % 11}-{p % 17} before {p % 24}:00."
            for p in range(paragraphs)
        )

    return [
        (
            "files",
            (
                f"{prefix}-{i}.md",
                f"# {prefix} article {i}\n\n{body(i)}\n".encode(),
                "text/markdown",
            ),
        )
        for i in range(n)
    ]


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path, concurrency: int = 1) -> Iterator[None]:
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [FRONTDESK, "worker", "--concurrency", str(concurrency)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield
        assert process.poll() is None, log.read_text(errors="replace")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


@pytest.fixture
def queued(postgres, tmp_path: Path) -> Iterator[tuple[Frontdesk, dict[str, str]]]:
    """An API instance queueing in a fresh PostgreSQL database, and the environment a
    worker process needs for the same database."""
    url = postgres.create()
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=url,
        secret_key=SECRET,
        job_queue="postgres",
        rate_limit_per_minute=0,
        auth_failures_per_minute=0,
    )
    frontdesk = Frontdesk(settings)
    frontdesk.init()
    frontdesk.warm_up()
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": url,
        "FRONTDESK_DATA_DIR": str(tmp_path / "worker-data"),
        "FRONTDESK_SECRET_KEY": SECRET,
        "FRONTDESK_ENV": "test",
    }
    yield frontdesk, env
    frontdesk.close()


def _keys(frontdesk: Frontdesk, name: str) -> dict[str, str]:
    frontdesk.tenants.create_tenant(name)
    return {"Authorization": f"Bearer {frontdesk.tenants.issue_key(name, 'admin')[0]}"}


@pytest.mark.slow
@pytest.mark.postgres
def test_a_worker_process_runs_queued_jobs_fairly_and_cancels(queued, tmp_path: Path) -> None:
    frontdesk, env = queued
    acme, globex = _keys(frontdesk, "acme"), _keys(frontdesk, "globex")
    with (
        serve(create_app(instance=frontdesk)) as base,
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        first = http.post("/v1/knowledge/documents", files=files(3, "a"), headers=acme)
        assert first.status_code == 202, first.text
        job_id = first.json()["id"]
        time.sleep(1)  # no worker yet: the API process itself runs nothing
        assert http.get(f"/v1/jobs/{job_id}", headers=acme).json()["status"] == "queued"

        with worker(env, tmp_path / "worker.log"):
            done = wait_for(
                lambda: (
                    (j := http.get(f"/v1/jobs/{job_id}", headers=acme).json())["status"]
                    in {"succeeded", "failed"}
                    and j
                ),
                timeout_s=180,
                what="the first job",
            )
            assert set(done) >= {"id", "kind", "status", "total", "done", "result", "error"}
            assert (done["status"], done["done"], done["total"]) == ("succeeded", 3, 3)
            assert len(done["result"]["added"]) == 3

            bulk = http.post(
                "/v1/knowledge/documents", files=files(120, "bulk", paragraphs=40), headers=acme
            )
            bulk_id = bulk.json()["id"]
            wait_for(
                lambda: http.get(f"/v1/jobs/{bulk_id}", headers=acme).json()["done"] > 0,
                timeout_s=60,
                what="the bulk ingest to start",
            )
            sent = time.monotonic()
            single = http.post("/v1/knowledge/documents", files=files(1, "g"), headers=globex)
            single_id = single.json()["id"]
            wait_for(
                lambda: (
                    http.get(f"/v1/jobs/{single_id}", headers=globex).json()["status"]
                    == "succeeded"
                ),
                timeout_s=60,
                what="globex's one document",
            )
            waited = time.monotonic() - sent
            behind = http.get(f"/v1/jobs/{bulk_id}", headers=acme).json()
            print(
                f"one-document job behind a 120-document ingest waited {waited:.2f}s;"
                f" the ingest had done {behind['done']}"
            )
            assert behind["done"] < behind["total"], behind
            assert waited < 10, waited

            cancelled = http.post(f"/v1/jobs/{bulk_id}/cancel", headers=acme)
            assert cancelled.status_code == 200, cancelled.text
            assert cancelled.json()["status"] in {"cancelling", "cancelled"}
            ended = wait_for(
                lambda: (
                    (j := http.get(f"/v1/jobs/{bulk_id}", headers=acme).json())["status"]
                    == "cancelled"
                    and j
                ),
                timeout_s=60,
                what="the cancel",
            )
            assert ended["done"] < 120
            again = http.post(f"/v1/jobs/{bulk_id}/cancel", headers=acme)
            assert again.status_code == 409
            assert http.post(f"/v1/jobs/{bulk_id}/cancel", headers=globex).status_code == 404


def test_a_worker_on_the_embedded_database_says_what_to_do(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'frontdesk.db'}",
        "FRONTDESK_DATA_DIR": str(tmp_path / "data"),
        "FRONTDESK_SECRET_KEY": SECRET,
        "FRONTDESK_ENV": "test",
    }
    done = subprocess.run(
        [FRONTDESK, "worker"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "FRONTDESK_DATABASE_URL=postgresql://" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_postgres_queue_over_sqlite_is_refused_at_start(tmp_path: Path) -> None:
    from frontdesk.errors import ConfigurationError

    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        secret_key=SECRET,
        job_queue="postgres",
    )
    with pytest.raises(ConfigurationError, match="FRONTDESK_JOB_QUEUE=postgres needs"):
        Frontdesk(settings)
