"""Rollouts on real databases: sticky assignment, shadow never shown, automatic rollback,
and the evaluation gate of promotion."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.domain.release import Actor, RolloutMode
from frontdesk.errors import ConflictError, InvalidInputError
from frontdesk.runtime import Frontdesk
from frontdesk.testing.releases import as_text, llm_document, release_document
from frontdesk.testing.wait import wait_for

ADMIN = Actor(name="key:test", role="admin")
HELPCENTER = Path(__file__).resolve().parents[2] / "data" / "eval_helpcenter"
# Without knowledge a third unanswered question would hand the conversation over.
QUESTIONS = ["hello", "how do I reset my password?"]


def _conversation(frontdesk: Frontdesk, tenant_id: str, turns: int = 2) -> list:
    conversation = frontdesk.conversations.create(tenant_id)
    return [
        frontdesk.conversations.post_message(tenant_id, conversation.id, QUESTIONS[i % 2]).turn
        for i in range(turns)
    ]


def test_canary_assignment_is_sticky_and_every_turn_says_who_answered(
    frontdesk: Frontdesk, acme
) -> None:
    candidate = frontdesk.releases.create(acme.id, as_text(release_document("wide")), ADMIN)
    frontdesk.rollouts.start(acme.id, candidate.release_id, RolloutMode.CANARY, 50, ADMIN)
    frontdesk.follower.refresh(acme.id)
    served = []
    for _ in range(16):
        turns = _conversation(frontdesk, acme.id)
        assert len({t.release_id for t in turns}) == 1  # never switches mid-way
        served.append(turns[0].release_id)
        assert turns[0].details["rollout_id"]
    assert set(served) == {"wide@1", "default@1"}
    frontdesk.rollout_traffic.drain()
    status = frontdesk.rollouts.status(acme.id)
    assert status["state"] == "running"
    assert status["candidate"] == "wide@1"
    assert status["production"] == "default@1"
    total = status["candidate_stats"]["turns"] + status["production_stats"]["turns"]
    assert total == 32
    assert status["candidate_stats"]["turns"] == 2 * served.count("wide@1")


def test_shadow_answers_after_the_reply_and_is_never_shown(frontdesk: Frontdesk, acme) -> None:
    candidate = frontdesk.releases.create(
        acme.id, as_text(release_document("strict", decide={"threshold": 0.99})), ADMIN
    )
    frontdesk.rollouts.start(acme.id, candidate.release_id, RolloutMode.SHADOW, 100, ADMIN)
    frontdesk.follower.refresh(acme.id)
    turns = _conversation(frontdesk, acme.id) + _conversation(frontdesk, acme.id)
    assert {t.release_id for t in turns} == {"default@1"}
    assert {t.details["shadow_release_id"] for t in turns} == {"strict@1"}
    frontdesk.rollout_traffic.drain()
    conversation = frontdesk.conversations.get(acme.id, turns[0].conversation_id)
    assert len(conversation.turns) == 4  # two messages, two replies: no shadow reply
    status = frontdesk.rollouts.status(acme.id)
    assert status["candidate_stats"]["turns"] == 4
    assert status["candidate_stats"]["agreement"] is not None
    assert status["production_stats"]["agreement"] is None


def test_one_rollout_at_a_time_and_shares_within_bounds(frontdesk: Frontdesk, acme) -> None:
    candidate = frontdesk.releases.create(acme.id, as_text(release_document("wide")), ADMIN)
    with pytest.raises(InvalidInputError, match="1-50"):
        frontdesk.rollouts.start(acme.id, candidate.release_id, RolloutMode.CANARY, 60, ADMIN)
    with pytest.raises(InvalidInputError):
        frontdesk.rollouts.start(acme.id, "1", RolloutMode.AB, 50, ADMIN, {"max_error_rate": 7})
    frontdesk.rollouts.start(acme.id, "1", RolloutMode.AB, 50, ADMIN)
    with pytest.raises(ConflictError, match="already running"):
        frontdesk.rollouts.start(acme.id, "1", RolloutMode.CANARY, 5, ADMIN)
    stopped = frontdesk.rollouts.stop(acme.id, ADMIN)
    assert stopped.state.value == "stopped"
    assert frontdesk.releases.labels(acme.id) == {}
    frontdesk.follower.refresh(acme.id)
    assert {t.release_id for t in _conversation(frontdesk, acme.id)} == {"default@1"}


def test_a_candidate_whose_llm_is_down_is_rolled_back_automatically(
    frontdesk: Frontdesk, acme
) -> None:
    frontdesk.knowledge.ingest_paths(acme.id, [HELPCENTER / "faq.csv"])
    down = llm_document("down", "http://127.0.0.1:9/v1", max_retries=0, connect_timeout_s=0.2)
    candidate = frontdesk.releases.create(acme.id, as_text(down), ADMIN)
    frontdesk.rollouts.start(
        acme.id,
        candidate.release_id,
        RolloutMode.CANARY,
        50,
        ADMIN,
        {"min_sample": 10},
    )
    frontdesk.follower.refresh(acme.id)

    def one_turn() -> bool:
        conversation = frontdesk.conversations.create(acme.id)
        frontdesk.conversations.post_message(
            acme.id, conversation.id, "how do I reset my password?"
        )
        frontdesk.rollout_traffic.drain()
        return frontdesk.rollouts.active(acme.id) is None  # checked once a second

    wait_for(one_turn, timeout_s=60, interval_s=0, what="the automatic rollback")
    status = frontdesk.rollouts.status(acme.id)
    assert status["state"] == "rolled_back"
    assert status["trigger"]["trigger"] == "error_rate"
    assert status["trigger"]["candidate_turns"] >= 10
    entry = frontdesk.audit.list(acme.id)[0]
    assert (entry.actor, entry.action) == ("system", "auto_rollback")
    frontdesk.follower.refresh(acme.id)
    assert {t.release_id for t in _conversation(frontdesk, acme.id)} == {"default@1"}


@pytest.mark.slow
def test_promotion_is_gated_by_eval_and_a_forced_one_is_audited(frontdesk: Frontdesk, acme) -> None:
    frontdesk.knowledge.ingest_paths(
        acme.id, [HELPCENTER / "articles", HELPCENTER / "faq.csv", HELPCENTER / "tickets.jsonl"]
    )
    worse = frontdesk.releases.create(
        acme.id, as_text(release_document("mute", decide={"threshold": 0.999})), ADMIN
    )
    with pytest.raises(ConflictError, match="no labelled set"):
        frontdesk.promotion.promote(acme.id, worse.release_id, ADMIN)
    rows = (HELPCENTER / "eval.jsonl").read_text()
    with pytest.raises(InvalidInputError):
        frontdesk.promotion.upload_eval_set(acme.id, "{not json", ADMIN)
    assert frontdesk.promotion.upload_eval_set(acme.id, rows, ADMIN) == 13
    with pytest.raises(ConflictError, match="accuracy"):
        frontdesk.promotion.promote(acme.id, worse.release_id, ADMIN)
    assert frontdesk.releases.labels(acme.id) == {}
    same = frontdesk.releases.create(acme.id, as_text(release_document("same")), ADMIN)
    passed = frontdesk.promotion.promote(acme.id, same.release_id, ADMIN)
    assert passed["gate"]["passed"]
    assert not passed["forced"]
    forced = frontdesk.promotion.promote(acme.id, worse.release_id, ADMIN, force=True)
    assert forced["forced"]
    assert frontdesk.releases.labels(acme.id) == {"production": "mute@1"}
    entry = frontdesk.audit.list(acme.id)[0]
    assert entry.action == "promote_forced"
    assert entry.after is not None
    assert entry.after["gate"]["reasons"]
    assert entry.before == {"production": "same@2"}
    assert frontdesk.releases.rollback(acme.id, ADMIN) == "same@2"
