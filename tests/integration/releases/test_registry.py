"""The release registry on real SQLite and PostgreSQL: numbered immutable releases,
labels, tenant scoping, and replicas that follow the registry without a restart."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from frontdesk.domain.release import Actor, Label
from frontdesk.errors import ConflictError, InvalidInputError, NotFoundError
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.release_tables import ReleaseRow
from frontdesk.testing.releases import as_text, release_document, stage_param
from frontdesk.testing.wait import wait_for

ADMIN = Actor(name="key:test", role="admin")
STRICT = release_document("strict", decide={"threshold": 0.9})


def test_releases_are_numbered_labelled_diffed_and_exported(frontdesk: Frontdesk, acme) -> None:
    first = frontdesk.releases.create(acme.id, as_text(STRICT), ADMIN)
    second = frontdesk.releases.create(
        acme.id, as_text(release_document("wide", retrieve={"top_k": 8})), ADMIN, Label.CANDIDATE
    )
    assert (first.release_id, second.release_id) == ("strict@1", "wide@2")
    assert frontdesk.releases.labels(acme.id) == {"candidate": "wide@2"}
    assert [r.number for r in frontdesk.releases.list(acme.id)] == [1, 2]
    changes = {
        c["path"]: (c["before"], c["after"])
        for c in frontdesk.releases.diff(acme.id, "1", "wide@2")
    }
    assert changes == {
        "id": ("strict", "wide"),
        "stages.decide.params.threshold": (
            0.9,
            stage_param(release_document("wide"), "decide", "threshold"),
        ),
        "stages.retrieve.params.top_k": (5, 8),
    }
    exported = frontdesk.releases.export(acme.id, "strict@1")
    assert exported["gate"]["max_leaks"] == 0
    again = frontdesk.releases.create(acme.id, as_text(exported), ADMIN)
    assert frontdesk.releases.diff(acme.id, "1", again.release_id) == []
    with pytest.raises(NotFoundError):
        frontdesk.releases.get(acme.id, "wide@1")  # number 1 is strict


def test_bad_documents_and_secrets_change_nothing(frontdesk: Frontdesk, acme) -> None:
    secret = release_document("leaky")
    secret["stages"][0]["params"]["api_key"] = "hunter2-hunter2"
    unknown = release_document("odd")
    unknown["stages"][0]["type"] = "no_such_component"
    bad_param = release_document("odd", retrieve={"no_such_param": 1})
    for document in (as_text(secret), as_text(unknown), as_text(bad_param), "{", "[]"):
        with pytest.raises(InvalidInputError):
            frontdesk.releases.create(acme.id, document, ADMIN)
    with pytest.raises(InvalidInputError):  # production moves through promotion only
        frontdesk.releases.create(acme.id, as_text(STRICT), ADMIN, Label.PRODUCTION)
    assert frontdesk.releases.list(acme.id) == []
    assert frontdesk.audit.list(acme.id) == []


def test_each_tenant_sees_only_its_own_registry(frontdesk: Frontdesk, acme, globex) -> None:
    mine = frontdesk.releases.create(acme.id, as_text(STRICT), ADMIN, Label.CANDIDATE)
    assert frontdesk.releases.list(globex.id) == []
    assert frontdesk.releases.labels(globex.id) == {}
    with pytest.raises(NotFoundError):
        frontdesk.releases.get(globex.id, mine.release_id)
    theirs = frontdesk.releases.create(globex.id, as_text(STRICT), ADMIN)
    assert theirs.number == 1  # numbered per tenant
    assert [e.target for e in frontdesk.audit.list(globex.id)] == ["release:strict@1"]


def _answer(instance: Frontdesk, tenant_id: str) -> str | None:
    conversation = instance.conversations.create(tenant_id)
    turn = instance.conversations.post_message(tenant_id, conversation.id, "hello").turn
    return turn.release_id


def test_another_replica_follows_a_promotion_within_seconds(
    frontdesk: Frontdesk, settings: Settings, acme
) -> None:
    replica = Frontdesk(settings, release_poll_s=0.5)
    try:
        replica.warm_up()
        assert _answer(replica, acme.id) == "default@1"
        strict = frontdesk.releases.create(acme.id, as_text(STRICT), ADMIN)
        frontdesk.promotion.promote(acme.id, strict.release_id, ADMIN, force=True)
        changed = time.monotonic()
        wait_for(lambda: _answer(replica, acme.id) == "strict@1", timeout_s=5, what="follow")
        assert time.monotonic() - changed < 5

        assert replica.follower.status(acme.id)["production"] == "strict@1"
    finally:
        replica.close()


def test_a_release_that_cannot_load_leaves_the_last_good_one_serving(
    frontdesk: Frontdesk, acme
) -> None:
    good = frontdesk.releases.create(acme.id, as_text(STRICT), ADMIN)
    frontdesk.promotion.promote(acme.id, good.release_id, ADMIN, force=True)
    frontdesk.follower.refresh(acme.id)
    assert _answer(frontdesk, acme.id) == "strict@1"
    broken = frontdesk.releases.create(acme.id, as_text(release_document("broken")), ADMIN)
    with frontdesk.database.transaction() as session:  # e.g. a plugin uninstalled since
        config = release_document("broken")
        config["version"] = broken.number
        config["stages"][0]["type"] = "uninstalled_plugin"
        session.execute(update(ReleaseRow).where(ReleaseRow.id == broken.id).values(config=config))
    frontdesk.promotion.promote(acme.id, broken.release_id, ADMIN, force=True)
    frontdesk.follower.refresh(acme.id)
    assert _answer(frontdesk, acme.id) == "strict@1"
    status = frontdesk.follower.status(acme.id)
    assert status["production"] == "strict@1"
    assert "uninstalled_plugin" in status["error"]
    status, checks = frontdesk.readiness()
    assert status == "ok"
    assert checks["releases"].startswith("serving the last good release")
    assert frontdesk.releases.rollback(acme.id, ADMIN) == "strict@1"
    frontdesk.follower.refresh(acme.id)
    assert frontdesk.follower.status(acme.id)["error"] is None


def test_rollback_needs_a_previous_production(frontdesk: Frontdesk, acme) -> None:
    with pytest.raises(ConflictError, match="default release"):
        frontdesk.releases.rollback(acme.id, ADMIN)
