"""Promotion to production, behind the evaluation gate.

Promoting runs ``frontdesk eval`` on the tenant's labelled set (uploaded once, stored in
the database) with the candidate and with production, and refuses when the candidate
misses its release's gate criteria (``releases/document.py``). An admin may force it;
the force and the figures it overrode are audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from frontdesk.domain.release import Actor, Label
from frontdesk.errors import ConflictError, InvalidInputError
from frontdesk.releases.changes import record_change
from frontdesk.releases.config import ReleaseConfig
from frontdesk.releases.document import MAX_DOCUMENT_BYTES, GateCriteria
from frontdesk.releases.registry import ReleaseRegistry, stored_config
from frontdesk.releases.rollout import RolloutService
from frontdesk.storage.db import Database
from frontdesk.storage.repos import releases as repo


@dataclass(frozen=True, slots=True)
class GateVerdict:
    passed: bool
    reasons: list[str]  # why it failed, one line per unmet criterion
    candidate: dict[str, Any] = field(default_factory=dict)  # the eval figures
    production: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "reasons": self.reasons,
            "candidate": self.candidate,
            "production": self.production,
        }


class EvaluationGate(Protocol):
    """Runs the labelled set through both releases and judges the candidate."""

    def check_rows(self, rows_jsonl: str) -> int:
        """Parse the set (a clear 422 on a bad row); the number of rows."""
        ...

    def judge(
        self,
        tenant_id: str,
        rows_jsonl: str,
        candidate: ReleaseConfig,
        production: ReleaseConfig,
        criteria: GateCriteria,
    ) -> GateVerdict: ...


class Promotion:
    def __init__(
        self,
        database: Database,
        registry: ReleaseRegistry,
        rollouts: RolloutService,
        gate: EvaluationGate,
        default_config: ReleaseConfig,
    ) -> None:
        self._db = database
        self._registry = registry
        self._rollouts = rollouts
        self._gate = gate
        self._default = default_config  # production while the registry has none

    def upload_eval_set(self, tenant_id: str, rows_jsonl: str, actor: Actor) -> int:
        """Store the tenant's labelled set (replacing the previous one); its row count."""
        if len(rows_jsonl.encode()) > 20 * MAX_DOCUMENT_BYTES:
            raise InvalidInputError("the labelled set is larger than 20 MB", field="rows")
        count = self._gate.check_rows(rows_jsonl)
        with self._db.transaction() as session:
            repo.save_eval_set(session, tenant_id, rows_jsonl, actor.name)
            record_change(
                session, tenant_id, actor, "eval_set_upload", "eval_set", after={"rows": count}
            )
        return count

    def promote(
        self, tenant_id: str, ref: str, actor: Actor, force: bool = False
    ) -> dict[str, Any]:
        release = self._registry.get(tenant_id, ref)
        with self._db.transaction() as session:
            rows = repo.eval_set(session, tenant_id)
            labels = repo.labels(session, tenant_id)
        current = labels.get(Label.PRODUCTION)
        if current is not None and current[0] == release.number:
            raise ConflictError(f"{release.release_id} is already production")
        production = (
            self._default
            if current is None
            else stored_config(self._registry.get(tenant_id, str(current[0])))
        )
        if rows is None:
            verdict = GateVerdict(
                passed=False,
                reasons=[
                    "this tenant has no labelled set: upload one with 'releases eval-set FILE' "
                    "(or POST /v1/releases/eval-set)"
                ],
            )
        else:
            verdict = self._gate.judge(
                tenant_id,
                rows,
                stored_config(release),
                production,
                GateCriteria.model_validate(release.gate),
            )
        if not verdict.passed and not force:
            raise ConflictError(
                f"promotion of {release.release_id} refused by the evaluation gate: "
                + "; ".join(verdict.reasons)
                + " (an admin may force it with --force / force=true, which is audited)"
            )
        with self._db.transaction() as session:
            repo.lock_state(session, tenant_id)
            self._rollouts.end_promoted(session, tenant_id, release.number, actor)
            self._registry.label_production(session, tenant_id, release, actor)
            candidate = repo.labels(session, tenant_id).get(Label.CANDIDATE)
            if candidate is not None and candidate[0] == release.number:
                repo.set_label(session, tenant_id, Label.CANDIDATE, None)
            record_change(
                session,
                tenant_id,
                actor,
                "promote_forced" if not verdict.passed else "promote",
                f"release:{release.release_id}",
                before={"production": production.id + "@" + str(production.version)},
                after={"production": release.release_id, "gate": verdict.to_dict()},
            )
        return {
            "release": release.release_id,
            "forced": not verdict.passed,
            "gate": verdict.to_dict(),
        }
