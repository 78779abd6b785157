"""Each replica follows the registry without a restart.

Per tenant the follower keeps what it serves: the production pipeline and, during a
rollout, the candidate's. Before routing a turn it reads the tenant's registry version
(one primary-key row) at most once per ``poll_s``; when the version moved it loads the
labels and the rollout and builds the pipelines it lacks, so a change is in effect on
every replica within ``poll_s`` plus a build. Pipelines are cached by release and
digest, and share the process's loaded models (``providers/resources.py``), so a build
never reloads weights. A release that cannot be loaded leaves the last good one serving;
the failure is kept for ``/readyz`` and ``releases status``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from frontdesk.domain.release import Arm, Label, Rollout, RolloutMode, StoredRelease
from frontdesk.pipeline.runner import Pipeline
from frontdesk.releases.assignment import takes_candidate
from frontdesk.releases.config import ReleaseConfig
from frontdesk.releases.registry import stored_config
from frontdesk.storage.db import Database
from frontdesk.storage.repos import releases as repo
from frontdesk.storage.repos import rollouts as rollouts_repo

log = logging.getLogger(__name__)

PipelineBuilder = Callable[[ReleaseConfig], Pipeline]


@dataclass(frozen=True, slots=True)
class Route:
    """How one turn is answered: by ``pipeline``; ``shadow`` also runs it, unseen."""

    pipeline: Pipeline
    shadow: Pipeline | None = None
    rollout: Rollout | None = None
    arm: Arm | None = None  # the serving side, during a rollout


@dataclass(slots=True)
class TenantView:
    version: int
    production: Pipeline
    rollout: Rollout | None = None
    candidate: Pipeline | None = None
    checked_at: float = 0.0
    error: str | None = None  # why the newest registry state could not be loaded

    def route(self, conversation_id: str) -> Route:
        rollout, candidate = self.rollout, self.candidate
        if rollout is None or candidate is None:
            return Route(self.production)
        chosen = takes_candidate(rollout.id, conversation_id, rollout.share)
        if rollout.mode is RolloutMode.SHADOW:
            return Route(self.production, candidate if chosen else None, rollout, Arm.PRODUCTION)
        if chosen:
            return Route(candidate, None, rollout, Arm.CANDIDATE)
        return Route(self.production, None, rollout, Arm.PRODUCTION)


@dataclass(slots=True)
class _Loaded:
    production: StoredRelease | None
    rollout: Rollout | None
    candidate: StoredRelease | None
    version: int


@dataclass
class ReleaseFollower:
    database: Database
    build: PipelineBuilder
    default: Pipeline  # what a tenant with an empty registry runs
    poll_s: float = 1.0
    clock: Callable[[], float] = time.monotonic
    _views: dict[str, TenantView] = field(default_factory=dict)
    _pipelines: dict[tuple[str, str], Pipeline] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, tenant_id: str, conversation_id: str) -> Route:
        return self.view(tenant_id).route(conversation_id)

    def view(self, tenant_id: str) -> TenantView:
        """The tenant's current view, refreshed when older than ``poll_s``."""
        view = self._views.get(tenant_id)
        now = self.clock()
        if view is not None and now - view.checked_at < self.poll_s:
            return view
        with self._lock:  # one refresh at a time; the others reuse its result
            view = self._views.get(tenant_id)
            if view is not None and self.clock() - view.checked_at < self.poll_s:
                return view
            view = self._refresh(tenant_id, view)
            self._views[tenant_id] = view
            return view

    def refresh(self, tenant_id: str) -> TenantView:
        """Check the registry now (after a change made through this replica)."""
        with self._lock:
            view = self._refresh(tenant_id, self._views.get(tenant_id))
            self._views[tenant_id] = view
            return view

    def status(self, tenant_id: str) -> dict[str, Any]:
        """What this replica serves for the tenant, and the last load failure if any."""
        view = self.view(tenant_id)
        rollout = view.rollout
        return {
            "production": view.production.release_id,
            "candidate": None if view.candidate is None else view.candidate.release_id,
            "rollout": None if rollout is None else rollout.id,
            "registry_version": view.version,
            "error": view.error,
        }

    def health(self) -> str:
        """``ok``, or which tenants serve their last good release and why."""
        failing = {t: v.error for t, v in list(self._views.items()) if v.error}
        if not failing:
            return "ok"
        first = next(iter(failing.items()))
        return f"serving the last good release for {len(failing)} tenant(s); {first[0]}: {first[1]}"

    def close(self) -> None:
        for pipeline in self._pipelines.values():
            pipeline.close()
        self._pipelines.clear()

    def _refresh(self, tenant_id: str, view: TenantView | None) -> TenantView:
        now = self.clock()
        try:
            with self.database.transaction() as session:
                version = repo.version(session, tenant_id)
                if view is not None and version == view.version and view.error is None:
                    view.checked_at = now
                    return view
                loaded = self._load(session, tenant_id, version)
            production = (
                self.default
                if loaded.production is None
                else self._pipeline(stored_config(loaded.production))
            )
            candidate = (
                None
                if loaded.candidate is None
                else self._pipeline(stored_config(loaded.candidate))
            )
        except Exception as exc:  # noqa: BLE001 - any failure: keep serving what we have
            message = f"{type(exc).__name__}: {str(exc)[:300]}"
            log.warning("release load failed tenant=%s error=%s", tenant_id, message)
            kept = view or TenantView(version=-1, production=self.default)
            kept.error, kept.checked_at = message, now
            return kept
        return TenantView(
            version=loaded.version,
            production=production,
            rollout=loaded.rollout if candidate is not None else None,
            candidate=candidate,
            checked_at=now,
        )

    def _load(self, session: Any, tenant_id: str, version: int) -> _Loaded:
        labels = repo.labels(session, tenant_id)
        production = (
            repo.get(session, tenant_id, labels[Label.PRODUCTION][0])
            if Label.PRODUCTION in labels
            else None
        )
        rollout = rollouts_repo.active(session, tenant_id)
        candidate = None if rollout is None else repo.get(session, tenant_id, rollout.candidate)
        return _Loaded(production, rollout, candidate, version)

    def pipeline_for(self, config: ReleaseConfig) -> Pipeline:
        """The cached, warmed pipeline of ``config`` (the evaluation gate uses it too)."""
        with self._lock:
            return self._pipeline(config)

    def _pipeline(self, config: ReleaseConfig) -> Pipeline:
        key = (f"{config.id}@{config.version}", config.digest)
        pipeline = self._pipelines.get(key)
        if pipeline is None:
            pipeline = self.build(config)
            pipeline.warm_up()
            self._pipelines[key] = pipeline
        return pipeline
