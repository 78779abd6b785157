"""The per-tenant release registry: immutable numbered releases and their labels.

A release is created once and never changed; ``production`` and ``candidate`` are
labels that point at release numbers. A tenant with no ``production`` label runs the
built-in default release. Every label change bumps the tenant's registry version, the
one row each replica polls to follow the registry (``releases/follower.py``).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from frontdesk.domain.release import Actor, Label, StoredRelease
from frontdesk.errors import ConflictError, InvalidInputError, NotFoundError
from frontdesk.releases.changes import record_change
from frontdesk.releases.config import ReleaseConfig, default_release
from frontdesk.releases.document import GateCriteria, diff, export_document, parse_document
from frontdesk.storage.db import Database
from frontdesk.storage.repos import releases as repo

DEFAULT_REF = "default"
_REF = re.compile(r"^(?:([A-Za-z0-9][A-Za-z0-9._-]{0,63})@)?(\d{1,9})$")

ConfigCheck = Callable[[ReleaseConfig], None]


def stored_config(release: StoredRelease) -> ReleaseConfig:
    """The pipeline config of a stored release; its version is the registry number, so
    the pipeline (and every turn it answers) is called ``name@number``."""
    return ReleaseConfig.model_validate(release.config)


class ReleaseRegistry:
    def __init__(self, database: Database, check: ConfigCheck | None = None) -> None:
        self._db = database
        self._check = check  # e.g. every stage type is a registered component

    def create(
        self, tenant_id: str, text: str, actor: Actor, label: Label | None = None
    ) -> StoredRelease:
        """A new numbered release from a YAML or JSON document; bad input changes nothing."""
        if label is Label.PRODUCTION:
            raise InvalidInputError(
                "a new release becomes production through 'releases promote' (the "
                "evaluation gate), not at creation",
                field="label",
            )
        config, gate = parse_document(text)
        if self._check is not None:
            self._check(config)
        with self._db.transaction() as session:
            repo.lock_state(session, tenant_id)
            number = repo.next_number(session, tenant_id)
            numbered = config.model_copy(update={"version": number})
            created = repo.create(
                session,
                tenant_id,
                number=number,
                name=numbered.id,
                config=numbered.model_dump(mode="json"),
                gate=gate.model_dump(),
                digest=numbered.digest,
                created_by=actor.name,
            )
            record_change(
                session,
                tenant_id,
                actor,
                "create",
                f"release:{created.release_id}",
                after={"release": created.release_id, "digest": created.digest},
            )
            if label is not None:
                self._label_in(session, tenant_id, label, created, actor)
            return created

    def list(self, tenant_id: str) -> builtins.list[StoredRelease]:
        with self._db.transaction() as session:
            return repo.list_all(session, tenant_id)

    def get(self, tenant_id: str, ref: str) -> StoredRelease:
        with self._db.transaction() as session:
            return self._get(session, tenant_id, ref)

    def labels(self, tenant_id: str) -> dict[str, str]:
        """Each set label and the ``name@number`` it points at."""
        with self._db.transaction() as session:
            found = repo.labels(session, tenant_id)
            return {
                label.value: repo.get(session, tenant_id, number).release_id
                for label, (number, _previous) in found.items()
            }

    def config_of(self, tenant_id: str, ref: str) -> ReleaseConfig:
        """``default`` (the built-in release) or a stored one."""
        if ref == DEFAULT_REF:
            return default_release()
        return stored_config(self.get(tenant_id, ref))

    def export(self, tenant_id: str, ref: str) -> dict[str, Any]:
        if ref == DEFAULT_REF:
            return export_document(default_release().model_dump(mode="json"), {})
        release = self.get(tenant_id, ref)
        return export_document(release.config, release.gate)

    def gate_of(self, tenant_id: str, ref: str) -> GateCriteria:
        if ref == DEFAULT_REF:
            return GateCriteria()
        return GateCriteria.model_validate(self.get(tenant_id, ref).gate)

    def diff(self, tenant_id: str, ref_a: str, ref_b: str) -> builtins.list[dict[str, Any]]:
        return diff(
            self.config_of(tenant_id, ref_a).model_dump(mode="json"),
            self.config_of(tenant_id, ref_b).model_dump(mode="json"),
        )

    def set_label(self, tenant_id: str, ref: str, label: Label, actor: Actor) -> StoredRelease:
        """Point ``candidate`` at a release (``production`` moves only through promotion,
        or by the caller that ran the gate: :meth:`label_production`)."""
        if label is Label.PRODUCTION:
            raise InvalidInputError(
                "production moves through 'releases promote' (the evaluation gate)",
                field="label",
            )
        with self._db.transaction() as session:
            release = self._get(session, tenant_id, ref)
            self._label_in(session, tenant_id, label, release, actor)
            return release

    def label_production(
        self, session: Session, tenant_id: str, release: StoredRelease, actor: Actor
    ) -> None:
        """Make ``release`` production inside the caller's transaction (promotion)."""
        self._label_in(session, tenant_id, Label.PRODUCTION, release, actor)

    def rollback(self, tenant_id: str, actor: Actor) -> str:
        """Make the previous production release current again; returns its id."""
        with self._db.transaction() as session:
            repo.lock_state(session, tenant_id)
            labels = repo.labels(session, tenant_id)
            if Label.PRODUCTION not in labels:
                raise ConflictError("this tenant runs the default release: nothing to roll back")
            current, previous = labels[Label.PRODUCTION]
            if previous is None:
                raise ConflictError(
                    "production has no previous release to roll back to (one step is kept)"
                )
            repo.restore_previous(session, tenant_id, Label.PRODUCTION)
            before = repo.get(session, tenant_id, current).release_id
            after = repo.get(session, tenant_id, previous).release_id
            repo.bump_version(session, tenant_id)
            record_change(
                session,
                tenant_id,
                actor,
                "rollback",
                "label:production",
                before={"production": before},
                after={"production": after},
            )
            return after

    def _label_in(
        self,
        session: Session,
        tenant_id: str,
        label: Label,
        release: StoredRelease,
        actor: Actor,
    ) -> None:
        repo.lock_state(session, tenant_id)
        current = repo.labels(session, tenant_id).get(label)
        before = None if current is None else repo.get(session, tenant_id, current[0]).release_id
        repo.set_label(session, tenant_id, label, release.number)
        repo.bump_version(session, tenant_id)
        record_change(
            session,
            tenant_id,
            actor,
            "label",
            f"label:{label.value}",
            before={label.value: before},
            after={label.value: release.release_id},
        )

    def get_in(self, session: Session, tenant_id: str, ref: str) -> StoredRelease:
        """:meth:`get` inside the caller's transaction."""
        return self._get(session, tenant_id, ref)

    def _get(self, session: Session, tenant_id: str, ref: str) -> StoredRelease:
        name, number = parse_ref(ref)
        release = repo.get(session, tenant_id, number)
        if name is not None and name != release.name:
            raise NotFoundError(
                f"release {ref} not found (number {number} is {release.release_id})"
            )
        return release


def parse_ref(ref: str) -> tuple[str | None, int]:
    """``3`` or ``name@3`` → (name, 3); a clear 422 otherwise (``default`` is not stored)."""
    match = _REF.match(ref.strip())
    if match is None:
        raise InvalidInputError(
            f"{ref!r} is not a release id: use the number or name@number that "
            "'releases create' printed",
            field="release",
        )
    return match.group(1), int(match.group(2))


def describe(release: StoredRelease, labels: dict[str, str]) -> dict[str, Any]:
    """A release as the CLI and the API show it (``config`` holds every parameter)."""
    return {
        "id": release.release_id,
        "number": release.number,
        "name": release.name,
        "digest": release.digest,
        "description": release.config.get("description", ""),
        "labels": sorted(label for label, rid in labels.items() if rid == release.release_id),
        "created_by": release.created_by,
        "created_at": release.created_at.isoformat(),
        "gate": release.gate,
        "config": release.config,
    }
