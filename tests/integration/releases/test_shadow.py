"""Shadow rollouts on real databases: samples dropped rather than queued without bound,
counted in metrics and in ``rollout status``; with ``FRONTDESK_JOB_QUEUE=postgres`` the
candidate runs in a ``frontdesk worker`` process, not in the replica that serves."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.domain.release import Actor, RolloutMode
from frontdesk.releases.shadow_local import PROCESS_LOAD, LocalShadows
from frontdesk.releases.shadow_queued import QueuedShadows
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.releases import as_text, release_document
from frontdesk.testing.wait import wait_for

ADMIN = Actor(name="key:test", role="admin")
FRONTDESK = str(Path(sys.executable).parent / "frontdesk")
SECRET = "test-secret-0123456789abcdef"
QUESTION = "how do I reset my password?"


def _shadow_rollout(frontdesk: Frontdesk, tenant_id: str) -> None:
    candidate = frontdesk.releases.create(tenant_id, as_text(release_document("twin")), ADMIN)
    frontdesk.rollouts.start(tenant_id, candidate.release_id, RolloutMode.SHADOW, 100, ADMIN)
    frontdesk.follower.refresh(tenant_id)


def _ask(frontdesk: Frontdesk, tenant_id: str) -> None:
    conversation = frontdesk.conversations.create(tenant_id)
    frontdesk.conversations.post_message(tenant_id, conversation.id, QUESTION)


def test_a_full_shadow_backlog_drops_counts_and_still_compares_the_rest(
    frontdesk: Frontdesk, acme
) -> None:
    runner = LocalShadows(frontdesk.rollout_traffic.book, max_backlog=1, wait_s=30)
    frontdesk.rollout_traffic.use_shadow_runner(runner)
    _shadow_rollout(frontdesk, acme.id)
    with PROCESS_LOAD.turn():  # another customer is being answered all along
        _ask(frontdesk, acme.id)
        # The runner holds the first sample, waiting for the process to be idle.
        wait_for(lambda: runner.queued() == 0 and runner.pending() == 1, what="the first sample")
        for _ in range(3):
            _ask(frontdesk, acme.id)  # one more fits the backlog of 1, two are dropped
        wait_for(
            lambda: frontdesk.rollouts.status(acme.id)["shadow_samples"]["dropped"] == 2,
            what="the drops to be counted",
        )
        assert frontdesk.rollouts.status(acme.id)["shadow_samples"]["run"] == 0
    frontdesk.rollout_traffic.drain()
    status = frontdesk.rollouts.status(acme.id)
    assert status["shadow_samples"] == {"run": 2, "dropped": 2}
    assert status["candidate_stats"]["turns"] == 2
    assert status["candidate_stats"]["agreement"] == 1.0  # an identical candidate
    assert status["candidate_stats"]["same_top_citation"] == 1.0
    assert status["production_stats"]["turns"] == 4
    exposition = frontdesk.metrics.exposition().decode()
    assert 'frontdesk_shadow_samples_total{reason="backlog_full",result="dropped"} 2.0' in (
        exposition
    )
    assert 'frontdesk_shadow_samples_total{reason="",result="run"} 2.0' in exposition


def test_rollouts_other_than_shadow_report_no_shadow_samples(frontdesk: Frontdesk, acme) -> None:
    candidate = frontdesk.releases.create(acme.id, as_text(release_document("wide")), ADMIN)
    frontdesk.rollouts.start(acme.id, candidate.release_id, RolloutMode.CANARY, 10, ADMIN)
    assert frontdesk.rollouts.status(acme.id)["shadow_samples"] is None


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [FRONTDESK, "worker", "--queue", "shadow"], env=env, stdout=sink, stderr=sink
        )
    try:
        yield
        assert process.poll() is None, log.read_text(errors="replace")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    assert "nice 19" in log.read_text(errors="replace")


@pytest.mark.slow
@pytest.mark.postgres
def test_with_a_worker_the_candidate_runs_there_not_in_the_serving_replica(
    postgres, tmp_path: Path
) -> None:
    url = postgres.create()
    settings = Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=url,
        secret_key=SECRET,
        job_queue="postgres",
    )
    frontdesk = Frontdesk(settings)
    try:
        frontdesk.init()
        frontdesk.warm_up()
        assert isinstance(frontdesk.rollout_traffic.shadows, QueuedShadows)
        tenant = frontdesk.tenants.create_tenant("acme")
        _shadow_rollout(frontdesk, tenant.id)
        _ask(frontdesk, tenant.id)
        frontdesk.rollout_traffic.drain()
        time.sleep(1.0)  # no worker yet: the serving process runs no shadow sample
        assert frontdesk.rollouts.status(tenant.id)["shadow_samples"] == {"run": 0, "dropped": 0}
        env = {
            **os.environ,
            "FRONTDESK_DATABASE_URL": url,
            "FRONTDESK_DATA_DIR": str(tmp_path / "worker-data"),
            "FRONTDESK_SECRET_KEY": SECRET,
            "FRONTDESK_ENV": "test",
        }
        log = tmp_path / "worker.log"
        with worker(env, log):
            wait_for(lambda: "Frontdesk worker:" in log.read_text(), timeout_s=300)
            for _ in range(3):
                _ask(frontdesk, tenant.id)
            frontdesk.rollout_traffic.drain()

            def counted() -> dict[str, int]:
                return dict(frontdesk.rollouts.status(tenant.id)["shadow_samples"])

            # The first sample may have waited past its age while the worker started.
            wait_for(
                lambda: sum(counted().values()) == 4,
                timeout_s=180,
                what="the worker to take the four samples",
            )
        assert counted()["run"] >= 3, counted()
        status = frontdesk.rollouts.status(tenant.id)
        assert status["candidate_stats"]["agreement"] == 1.0
        assert "frontdesk_shadow_samples_total{" not in frontdesk.metrics.exposition().decode()
    finally:
        frontdesk.close()
