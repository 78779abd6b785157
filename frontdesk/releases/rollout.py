"""Rollouts: one at a time per tenant, of a candidate against production.

``start`` labels the candidate and begins routing (``releases/follower.py``); ``status``
is the live comparison; ``stop`` ends it by hand and ``withdraw`` automatically (the
triggers of ``releases/rollback.py``). Each change bumps the tenant's registry version
so every replica follows, and is audited in the same transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from frontdesk.domain.release import (
    SYSTEM,
    Actor,
    Arm,
    Label,
    Observation,
    Rollout,
    RolloutMode,
    RolloutState,
)
from frontdesk.errors import ConflictError, InvalidInputError
from frontdesk.releases.assignment import SHARE_LIMITS
from frontdesk.releases.changes import record_change
from frontdesk.releases.registry import ReleaseRegistry, parse_ref
from frontdesk.releases.rollback import RollbackTriggers, fired
from frontdesk.releases.stats import ArmStats, Feedback, arm_stats
from frontdesk.storage.db import Database
from frontdesk.storage.repos import releases as releases_repo
from frontdesk.storage.repos import rollouts as repo

log = logging.getLogger(__name__)


class RolloutService:
    def __init__(
        self, database: Database, registry: ReleaseRegistry, default_release_id: str
    ) -> None:
        self._db = database
        self._registry = registry
        self._default_id = default_release_id  # what turns of an empty registry carry

    def start(
        self,
        tenant_id: str,
        candidate_ref: str,
        mode: RolloutMode,
        share: float,
        actor: Actor,
        triggers: dict[str, Any] | None = None,
    ) -> Rollout:
        low, high = SHARE_LIMITS[mode]
        if not low <= share <= high:
            raise InvalidInputError(
                f"a {mode.value} rollout's share is {low:g}-{high:g} percent, not {share:g}",
                field="share",
            )
        try:
            limits = RollbackTriggers.model_validate(triggers or {})
        except ValidationError as exc:
            raise InvalidInputError(f"invalid rollback triggers: {exc}", field="triggers") from None
        _name, number = parse_ref(candidate_ref)
        with self._db.transaction() as session:
            releases_repo.lock_state(session, tenant_id)
            candidate = self._registry.get_in(session, tenant_id, candidate_ref)
            running = repo.active(session, tenant_id)
            if running is not None:
                raise ConflictError(
                    f"rollout {running.id} is already running: stop it first (rollout stop)"
                )
            labels = releases_repo.labels(session, tenant_id)
            production = labels.get(Label.PRODUCTION, (None, None))[0]
            if production == number:
                raise ConflictError(f"{candidate.release_id} is already production")
            rollout = repo.create(
                session,
                tenant_id,
                candidate=number,
                production=production,
                mode=mode,
                share=share,
                thresholds=limits.model_dump(),
                started_by=actor.name,
            )
            releases_repo.set_label(session, tenant_id, Label.CANDIDATE, number)
            releases_repo.bump_version(session, tenant_id)
            record_change(
                session,
                tenant_id,
                actor,
                "rollout_start",
                f"rollout:{rollout.id}",
                after={
                    "candidate": candidate.release_id,
                    "mode": mode.value,
                    "share": share,
                    "triggers": limits.model_dump(),
                },
            )
            return rollout

    def stop(self, tenant_id: str, actor: Actor) -> Rollout:
        with self._db.transaction() as session:
            releases_repo.lock_state(session, tenant_id)
            running = repo.active(session, tenant_id)
            if running is None:
                raise ConflictError("no rollout is running")
            self._end(session, running, RolloutState.STOPPED, actor, "rollout_stop", None)
        return self.latest(tenant_id)

    def withdraw(self, tenant_id: str, rollout_id: str, trigger: dict[str, Any]) -> bool:
        """Roll the candidate back (the system acts); False when the rollout had already
        ended, e.g. another replica withdrew it first."""
        with self._db.transaction() as session:
            releases_repo.lock_state(session, tenant_id)
            running = repo.active(session, tenant_id)
            if running is None or running.id != rollout_id:
                return False
            self._end(session, running, RolloutState.ROLLED_BACK, SYSTEM, "auto_rollback", trigger)
        log.warning(
            "ALERT rollout rolled back tenant=%s rollout=%s trigger=%s",
            tenant_id,
            rollout_id,
            trigger,
        )
        return True

    def end_promoted(self, session: Session, tenant_id: str, number: int, actor: Actor) -> None:
        """Inside a promotion: a rollout of the promoted release ends as ``promoted``."""
        running = repo.active(session, tenant_id)
        if running is not None and running.candidate == number:
            self._end(session, running, RolloutState.PROMOTED, actor, "rollout_promoted", None)

    def latest(self, tenant_id: str) -> Rollout:
        with self._db.transaction() as session:
            return repo.latest(session, tenant_id)

    def active(self, tenant_id: str) -> Rollout | None:
        with self._db.transaction() as session:
            return repo.active(session, tenant_id)

    def record(self, tenant_id: str, rollout_id: str, seen: Observation) -> None:
        with self._db.transaction() as session:
            repo.observe(session, tenant_id, rollout_id, seen)

    def record_batch(
        self,
        seen: list[tuple[str, str, Observation]],
        dropped: dict[tuple[str, str], int],
    ) -> None:
        """Observations ``(tenant, rollout, observation)`` and dropped shadow samples per
        ``(tenant, rollout)``, in one transaction (one write, however busy the replica)."""
        with self._db.transaction() as session:
            for tenant_id, rollout_id, observation in seen:
                repo.observe(session, tenant_id, rollout_id, observation)
            for (tenant_id, rollout_id), n in dropped.items():
                repo.count_dropped(session, tenant_id, rollout_id, n)

    def compare(self, rollout: Rollout) -> tuple[ArmStats, ArmStats]:
        """(candidate, production) over the rollout's window."""
        limits = RollbackTriggers.model_validate(rollout.thresholds)
        candidate_arm = Arm.SHADOW if rollout.mode is RolloutMode.SHADOW else Arm.CANDIDATE
        with self._db.transaction() as session:
            names = self._names(session, rollout)
            arms = []
            for arm, release_id in ((candidate_arm, names[0]), (Arm.PRODUCTION, names[1])):
                seen = repo.observations(session, rollout.tenant_id, rollout.id, arm, limits.window)
                feedback = Feedback(
                    *repo.feedback_since(session, rollout.tenant_id, release_id, rollout.started_at)
                )
                arms.append(arm_stats(seen, limits.min_sample, feedback))
        return arms[0], arms[1]

    def check(self, rollout: Rollout) -> dict[str, Any] | None:
        """Withdraw the candidate if a trigger fires; the trigger, or None."""
        candidate, production = self.compare(rollout)
        limits = RollbackTriggers.model_validate(rollout.thresholds)
        # A shadow run waits for idle moments and yields to customers: its latency says
        # nothing about what customers would wait, so only the other triggers apply.
        latency = rollout.mode is not RolloutMode.SHADOW
        trigger = fired(candidate, production, limits, latency=latency)
        if trigger is None:
            return None
        trigger = {
            **trigger,
            "candidate_turns": candidate.turns,
            "production_turns": production.turns,
        }
        return trigger if self.withdraw(rollout.tenant_id, rollout.id, trigger) else None

    def status(self, tenant_id: str) -> dict[str, Any]:
        """The contract's shape: id, candidate, production, mode, share, state, trigger and
        both arms' figures. :class:`NotFoundError` when the tenant never started one."""
        return self._status(self.latest(tenant_id))

    def status_or_none(self, tenant_id: str) -> dict[str, Any] | None:
        """:meth:`status`, or None when the tenant never started a rollout (a normal state,
        which a dashboard shows without an error)."""
        with self._db.transaction() as session:
            rollout = repo.latest_or_none(session, tenant_id)
        return None if rollout is None else self._status(rollout)

    def _status(self, rollout: Rollout) -> dict[str, Any]:
        tenant_id = rollout.tenant_id
        candidate, production = self.compare(rollout)
        with self._db.transaction() as session:
            names = self._names(session, rollout)
            run, dropped = repo.shadow_counts(session, tenant_id, rollout.id)
        return {
            "id": rollout.id,
            "candidate": names[0],
            "production": names[1],
            "mode": rollout.mode.value,
            "share": rollout.share,
            "state": rollout.state.value,
            "trigger": rollout.trigger,
            "triggers": rollout.thresholds,
            "started_at": rollout.started_at.isoformat(),
            "ended_at": None if rollout.ended_at is None else rollout.ended_at.isoformat(),
            "candidate_stats": candidate.to_dict(),
            "production_stats": production.to_dict(),
            # Shadow samples the candidate answered vs dropped rather than slow customers.
            "shadow_samples": {"run": run, "dropped": dropped}
            if rollout.mode is RolloutMode.SHADOW
            else None,
        }

    def _names(self, session: Session, rollout: Rollout) -> tuple[str, str]:
        candidate = releases_repo.get(session, rollout.tenant_id, rollout.candidate).release_id
        production = (
            self._default_id
            if rollout.production is None
            else releases_repo.get(session, rollout.tenant_id, rollout.production).release_id
        )
        return candidate, production

    def _end(
        self,
        session: Session,
        rollout: Rollout,
        state: RolloutState,
        actor: Actor,
        action: str,
        trigger: dict[str, Any] | None,
    ) -> None:
        repo.finish(session, rollout.tenant_id, rollout.id, state, trigger)
        labels = releases_repo.labels(session, rollout.tenant_id)
        if labels.get(Label.CANDIDATE, (None, None))[0] == rollout.candidate:
            releases_repo.set_label(session, rollout.tenant_id, Label.CANDIDATE, None)
        releases_repo.bump_version(session, rollout.tenant_id)
        record_change(
            session,
            rollout.tenant_id,
            actor,
            action,
            f"rollout:{rollout.id}",
            before={"state": RolloutState.RUNNING.value},
            after={"state": state.value, "trigger": trigger},
        )
