"""The answer cache with the real models, on SQLite and PostgreSQL: exact and semantic
hits, never a stale answer after an ingestion or a release change, never a follow-up or
a personal message, and nothing left of a customer after their erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from frontdesk.domain.conversation import Turn
from frontdesk.domain.release import SYSTEM, RolloutMode
from frontdesk.operations.summary import SummaryQuery
from frontdesk.privacy.service import ErasureRequest
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.cache_tables import AnswerCacheRow
from frontdesk.testing.releases import as_text, release_document

FAQ = (
    "question,answer\n"
    "How much does the Plus plan cost?,Plus costs 9.99 euros a month.\n"
    "How much does the Business plan cost?,Business costs 49 euros a month.\n"
    "How long is a shipping label valid?,A shipping label is valid for 30 days after purchase.\n"
    "Can I get a refund for a label I used?,No: only labels never scanned are refunded.\n"
)


def _ask(frontdesk: Frontdesk, tenant_id: str, text: str, customer: str | None = None) -> Turn:
    conversation = frontdesk.conversations.create(tenant_id, customer_id=customer)
    return frontdesk.conversations.post_message(tenant_id, conversation.id, text).turn


def _entries(frontdesk: Frontdesk, tenant_id: str) -> int:
    with frontdesk.database.transaction() as session:
        query = select(func.count()).where(AnswerCacheRow.tenant_id == tenant_id)
        return int(session.scalar(query) or 0)


def _tenant_with_faq(frontdesk: Frontdesk, tmp_path: Path, name: str = "acme") -> str:
    tenant = frontdesk.tenants.create_tenant(name)
    faq = tmp_path / f"{name}.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(tenant.id, [faq])
    return tenant.id


def test_the_same_question_is_an_exact_hit_with_the_same_answer(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    first = _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    again = _ask(frontdesk, tenant, "  how much does the plus plan COST ")
    assert first.details["cache"] == "miss"
    assert again.details["cache"] == "exact"
    assert again.text == first.text
    assert "9.99" in again.text
    assert again.citations == first.citations
    assert [stage["name"] for stage in again.trace][-1] == "cache"
    assert "retrieve" not in [stage["name"] for stage in again.trace]
    exposition = frontdesk.metrics.exposition().decode()
    assert 'frontdesk_answer_cache_total{result="exact"} 1.0' in exposition
    now = datetime.now(UTC)
    summary = frontdesk.stats.summary(
        SummaryQuery(tenant, now - timedelta(hours=1), now + timedelta(hours=1))
    )
    assert summary["answer_cache_hits"] == {"exact": 1, "semantic": 0}
    other = _tenant_with_faq(frontdesk, tmp_path, "globex")  # per tenant
    assert _ask(frontdesk, other, "How much does the Plus plan cost?").details["cache"] == "miss"


def test_a_paraphrase_is_a_semantic_hit_and_a_near_miss_is_not(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    first = _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    paraphrase = _ask(frontdesk, tenant, "What does the Plus plan cost per month?")
    assert paraphrase.details["cache"] == "semantic"
    assert paraphrase.text == first.text
    names = [stage["name"] for stage in paraphrase.trace]
    assert names[-2:] == ["retrieve", "cache"]  # re-verified after retrieval, then served
    assert "generate" not in names
    other_plan = _ask(frontdesk, tenant, "How much does the Business plan cost?")
    assert other_plan.details["cache"] == "miss"
    assert other_plan.text.startswith("Business costs 49")  # its own answer
    _ask(frontdesk, tenant, "Can I get a refund for a label I used?")
    unused = _ask(frontdesk, tenant, "Can I get a refund for a label I didn't use?")
    assert unused.details["cache"] == "miss"  # 0.99 cosine, the opposite question
    exposition = frontdesk.metrics.exposition().decode()
    assert 'frontdesk_answer_cache_rejections_total{reason="negation"} 1.0' in exposition


def test_an_edited_document_is_never_answered_from_the_cache(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    assert _ask(frontdesk, tenant, "How much does the Plus plan cost?").details["cache"] == "exact"
    edited = tmp_path / "acme.csv"
    edited.write_text(FAQ.replace("9.99", "12.99"))
    frontdesk.knowledge.ingest_paths(tenant, [edited])
    after = _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    assert after.details["cache"] == "miss"
    assert "12.99" in after.text
    assert _ask(frontdesk, tenant, "how much does the plus plan cost").text == after.text
    assert _entries(frontdesk, tenant) == 1  # the entry of the old version was pruned


def test_a_new_release_is_never_answered_from_the_old_one_s_cache(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    _ask(frontdesk, tenant, "How long is a shipping label valid?")
    assert _ask(frontdesk, tenant, "How long is a shipping label valid?").details["cache"] == (
        "exact"
    )
    document = release_document("stricter", generate={"max_sentences": 2})
    created = frontdesk.releases.create(tenant, as_text(document), SYSTEM)
    frontdesk.promotion.promote(tenant, created.release_id, SYSTEM, force=True)
    frontdesk.follower.refresh(tenant)
    after = _ask(frontdesk, tenant, "How long is a shipping label valid?")
    assert after.details["cache"] == "miss"
    assert after.release_id == created.release_id
    assert _ask(frontdesk, tenant, "How long is a shipping label valid?").details["cache"] == (
        "exact"
    )


def test_follow_ups_and_personal_messages_are_never_cached_or_served(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    conversation = frontdesk.conversations.create(tenant)
    post = frontdesk.conversations.post_message
    assert post(tenant, conversation.id, "hello").turn.details["cache"] == "miss"
    follow_up = post(tenant, conversation.id, "How much does the Plus plan cost?").turn
    assert follow_up.details["cache"] == "miss"  # it has history: not served …
    second = post(tenant, conversation.id, "How long is a shipping label valid?").turn
    assert second.details["cache"] == "miss"
    fresh = _ask(frontdesk, tenant, "How long is a shipping label valid?")
    assert fresh.details["cache"] == "miss"  # … and not stored either
    personal = "How much does the Plus plan cost? Mail me at jane.doe@example.com"
    _ask(frontdesk, tenant, personal)
    assert _ask(frontdesk, tenant, personal).details["cache"] == "miss"
    assert _entries(frontdesk, tenant) == 2  # the Plus price and the label, first turns only
    greeting = _ask(frontdesk, tenant, "hello")
    assert _ask(frontdesk, tenant, "hello").details["cache"] == "miss"  # small talk
    assert greeting.outcome is not None


def test_erasing_the_customer_who_asked_first_removes_the_entry(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    _ask(frontdesk, tenant, "How much does the Plus plan cost?", customer="crm-1")
    served = _ask(frontdesk, tenant, "How much does the Plus plan cost?", customer="crm-2")
    assert served.details["cache"] == "exact"
    receipt = frontdesk.privacy.erase(tenant, ErasureRequest(customer_id="crm-1"), "test")
    assert receipt["removed"]["cache_entries"] == 1
    assert _entries(frontdesk, tenant) == 0
    again = _ask(frontdesk, tenant, "How much does the Plus plan cost?", customer="crm-2")
    assert again.details["cache"] == "miss"
    receipt = frontdesk.privacy.erase(tenant, ErasureRequest(customer_id="crm-2"), "test")
    assert receipt["removed"]["cache_entries"] == 1  # the entry their question made


def test_a_thumbs_down_on_a_served_answer_evicts_its_entry(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    _ask(frontdesk, tenant, "How much does the Business plan cost?")
    served = _ask(frontdesk, tenant, "How much does the Business plan cost?")
    assert served.details["cache"] == "exact"
    frontdesk.handoff.add_thumbs(tenant, served.conversation_id, served.id, "up", "")
    assert _ask(frontdesk, tenant, "How much does the Business plan cost?").details["cache"] == (
        "exact"
    )
    frontdesk.handoff.add_thumbs(tenant, served.conversation_id, served.id, "down", "wrong")
    # Asked twice: the pipeline answers again, and the evicted entry is not re-filled.
    for question in ("How much does the Business plan cost?",) * 2 + ("What does Business cost?",):
        again = _ask(frontdesk, tenant, question)
        assert again.details["cache"] == "miss", question
        assert "cache" not in [stage["name"] for stage in again.trace]
    exposition = frontdesk.metrics.exposition().decode()
    assert "frontdesk_answer_cache_evictions_total 1.0" in exposition
    # Other questions still hit.
    _ask(frontdesk, tenant, "How long is a shipping label valid?")
    assert _ask(frontdesk, tenant, "How long is a shipping label valid?").details["cache"] == (
        "exact"
    )


def test_a_thumbs_down_on_the_answer_that_was_stored_evicts_it(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    first = _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    assert first.details["cache"] == "miss"
    assert _entries(frontdesk, tenant) == 1
    frontdesk.handoff.add_thumbs(tenant, first.conversation_id, first.id, "down", "")
    again = _ask(frontdesk, tenant, "How much does the Plus plan cost?")
    paraphrase = _ask(frontdesk, tenant, "What does the Plus plan cost per month?")
    assert again.details["cache"] == "miss"
    assert paraphrase.details["cache"] == "miss"
    with frontdesk.database.transaction() as session:
        rows = session.scalars(select(AnswerCacheRow).where(AnswerCacheRow.tenant_id == tenant))
        tombstone = next(r for r in rows if r.conversation_id == first.conversation_id)
        assert (tombstone.answer, tombstone.vector, tombstone.citations) == ("", None, [])


def test_each_tenant_keeps_at_most_its_bound(settings: Settings, tmp_path: Path) -> None:
    bounded = Frontdesk(settings.model_copy(update={"cache_max_entries": 2}))
    bounded.init()
    bounded.warm_up()
    try:
        tenant = _tenant_with_faq(bounded, tmp_path)
        for question in (
            "How much does the Plus plan cost?",
            "How much does the Business plan cost?",
            "How long is a shipping label valid?",
        ):
            _ask(bounded, tenant, question)
        assert _entries(bounded, tenant) == 2
        # The least recently used went: the first question is asked afresh.
        again = _ask(bounded, tenant, "How much does the Plus plan cost?")
        assert again.details["cache"] == "miss"
    finally:
        bounded.close()


def test_turns_of_a_rollout_are_not_answered_from_the_cache(
    frontdesk: Frontdesk, tmp_path: Path
) -> None:
    tenant = _tenant_with_faq(frontdesk, tmp_path)
    _ask(frontdesk, tenant, "How long is a shipping label valid?")
    assert _ask(frontdesk, tenant, "How long is a shipping label valid?").details["cache"] == (
        "exact"
    )
    candidate = frontdesk.releases.create(tenant, as_text(release_document("wide")), SYSTEM)
    frontdesk.rollouts.start(tenant, candidate.release_id, RolloutMode.CANARY, 50, SYSTEM)
    frontdesk.follower.refresh(tenant)
    during = [_ask(frontdesk, tenant, "How long is a shipping label valid?") for _ in range(4)]
    assert {t.details["cache"] for t in during} == {"miss"}  # both arms really answer
    assert all(t.details.get("rollout_id") for t in during)
    frontdesk.rollout_traffic.drain()
