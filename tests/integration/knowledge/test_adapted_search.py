"""An adapted retrieval encoder (``knowledge adapt``) served by either search: the
in-process index (SQLite) and the search inside PostgreSQL with pgvector.

No training here: an "adapter" is the served int8 encoder with some of its word
embeddings nudged (:func:`frontdesk.testing.encoders.nudged_encoder`), so its vectors differ from the base encoder's
as a fine-tuned one's do, at no cost. ``test_retrieval_adaptation`` trains for real.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from frontdesk.knowledge.adapted import AdaptedEncoders
from frontdesk.knowledge.index import StoredKnowledge
from frontdesk.knowledge.pg_index import PgKnowledge
from frontdesk.providers.resources import shared_embedder, tuned_encoder
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.rarity import IDF_COVERAGE, MISSING_IDF
from frontdesk.retrieval.types import ENCODER_KEY, Passage
from frontdesk.runtime import Frontdesk
from frontdesk.storage.repos import adapters as repo
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.testing.encoders import nudged_encoder
from tests.conftest import PostgresDatabases, make_settings, make_tenant

DEMO = Path(__file__).resolve().parents[3] / "examples" / "demo-helpcenter"
FOLDERS = ("refunds", "tracking", "claims")
QUERIES = (
    "how long does a refund take",
    "my parcel has said in transit for a week",
    "the box arrived crushed, what do I do",
    "refnd for a lost packge",
    "can I get my money back for an unused label",
)
NEW_DOC = b"# Opening hours\n\nThe support desk answers from 9 to 5 on weekdays.\n"


@pytest.fixture(scope="module")
def encoders() -> list[bytes]:
    return [nudged_encoder(seed) for seed in (1, 2, 3)]


@pytest.fixture
def frontdesk(search_backend: Frontdesk) -> Frontdesk:
    """Searched in process (SQLite) or in PostgreSQL with pgvector."""
    return search_backend


def _tenant(frontdesk: Frontdesk, name: str) -> str:
    tenant = make_tenant(frontdesk, name).id
    report = frontdesk.knowledge.ingest_paths(tenant, [DEMO / "articles" / f for f in FOLDERS])
    assert report.failed == {}
    return tenant


def _served_adapter(client: TestClient, frontdesk: Frontdesk, name: str) -> str | None:
    """The retrieval adapter the tenant's release serves, as ``GET /v1/releases/status``
    names it."""
    key = frontdesk.tenants.issue_key(name, "admin")[0]
    status = client.get("/v1/releases/status", headers={"Authorization": f"Bearer {key}"})
    assert status.status_code == 200, status.text
    models = status.json()["serving"]["models"]
    assert models["intent_model"] is None
    adapter = models["retrieval_adapter"]
    assert adapter is None or isinstance(adapter, str)
    return adapter


def _stored(frontdesk: Frontdesk, tenant: str, data: bytes) -> str:
    version = hashlib.sha256(data).hexdigest()
    with frontdesk.database.transaction() as session:
        repo.save(session, tenant, version, data, {})
    return version


def _ids(found: Sequence[Passage]) -> list[str]:
    return [p.chunk_id for p in found]


def _oracle(frontdesk: Frontdesk, tenant: str, data: bytes) -> HybridRetriever:
    """The in-process hybrid index over the tenant's chunks, with the adapter's vectors
    computed here from scratch."""
    adapted = tuned_encoder(data)
    adapted.warm_up()
    with frontdesk.database.transaction() as session:
        stored = knowledge_repo.all_chunks(session, tenant, frontdesk.resources.embedder().model_id)
    chunks = [c.as_chunk() for c in stored]
    titles = sorted({title_text(c) for c in chunks} - {""})
    index = HybridRetriever(adapted, HybridOptions())
    vectors = adapted.embed([c.embedding_text() for c in chunks])
    index.add(chunks, vectors, dict(zip(titles, adapted.embed(titles), strict=True)))
    return index


@pytest.mark.slow
def test_an_active_adapter_serves_only_its_tenant_and_revert_restores_the_base_search(
    frontdesk: Frontdesk, client: TestClient, encoders: list[bytes]
) -> None:
    acme, globex = _tenant(frontdesk, "acme"), _tenant(frontdesk, "globex")
    base = {q: frontdesk.search(acme, q, 8) for q in QUERIES}
    other = {q: _ids(frontdesk.search(globex, q, 8)) for q in QUERIES}
    version = _stored(frontdesk, acme, encoders[0])
    assert _served_adapter(client, frontdesk, "acme") is None
    frontdesk.adaptation.activate(acme, version[:10])
    assert _served_adapter(client, frontdesk, "acme") == version
    assert _served_adapter(client, frontdesk, "globex") is None

    oracle = _oracle(frontdesk, acme, encoders[0])
    for query in QUERIES:
        found = frontdesk.search(acme, query, 8)
        assert _ids(found) == _ids(oracle.search(query, 8)), query
        assert {p.metadata[ENCODER_KEY] for p in found} == {f"adapted:{version}"}
        assert _ids(frontdesk.search(globex, query, 8)) == other[query]
    assert any(_ids(frontdesk.search(acme, q, 8)) != _ids(base[q]) for q in QUERIES)

    # Knowledge added after the activation is searched with the adapter too.
    frontdesk.knowledge.ingest_bytes(acme, "hours.md", NEW_DOC)
    [hit] = frontdesk.search(acme, "when is the support desk open", 1)
    assert hit.title == "Opening hours"
    assert hit.metadata[ENCODER_KEY] == f"adapted:{version}"

    frontdesk.knowledge.delete_document(acme, hit.metadata["document_id"])
    assert frontdesk.adaptation.revert(acme) is not None
    assert _served_adapter(client, frontdesk, "acme") is None
    for query in QUERIES:
        found = frontdesk.search(acme, query, 8)
        assert _ids(found) == _ids(base[query]), query
        assert all(ENCODER_KEY not in p.metadata for p in found)


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_finds_what_the_in_process_index_finds_with_the_same_adapter(
    pgvector: PostgresDatabases, tmp_path: Path, encoders: list[bytes]
) -> None:
    """Same chunks, same order, same signals for a tenant with an active adapter, with
    either fusion the release can choose."""
    frontdesk = Frontdesk(make_settings(pgvector.create(), tmp_path / "data"))
    frontdesk.init()
    try:
        tenant = _tenant(frontdesk, "demo")
        frontdesk.adaptation.activate(tenant, _stored(frontdesk, tenant, encoders[0]))
        adapters = AdaptedEncoders(frontdesk.database, tuned_encoder)
        for options in (HybridOptions(), HybridOptions(fusion="rrf")):
            memory = StoredKnowledge(
                frontdesk.database, shared_embedder(), options, adapters=adapters
            )
            database = PgKnowledge(
                frontdesk.database, shared_embedder(), options, adapters=adapters
            )
            for query in QUERIES:
                expected = memory.search(tenant, query, 8)
                found = database.search(tenant, query, 8)
                assert _ids(found) == _ids(expected), query
                for got, want in zip(found, expected, strict=True):
                    assert got.metadata[ENCODER_KEY] == want.metadata[ENCODER_KEY]
                    for key in ("bm25", "dense", "dense_title", IDF_COVERAGE, MISSING_IDF):
                        assert got.metadata[key] == pytest.approx(want.metadata[key], abs=1e-4)
                    assert got.metadata["fused"] == pytest.approx(
                        want.metadata["fused"], rel=0.02, abs=0.02
                    )
    finally:
        frontdesk.close()


def _vector_counts(frontdesk: Frontdesk, tenant: str, versions: list[str]) -> list[int]:
    """Per adapter: its stored vectors by text, plus its PostgreSQL search rows."""
    counts = []
    for version in versions:
        with frontdesk.database.transaction() as session:
            data = repo.artifact(session, tenant, version)
        model = tuned_encoder(data).model_id
        with frontdesk.database.transaction() as session:
            stored = session.execute(
                text("SELECT count(*) FROM passage_vectors WHERE tenant_id = :t AND model = :m"),
                {"t": tenant, "m": model},
            ).scalar_one()
            if not frontdesk.database.is_sqlite:
                stored += session.execute(
                    text(
                        "SELECT (SELECT count(*) FROM adapted_chunk_search a"
                        " JOIN retrieval_adapters r ON r.id = a.adapter_id WHERE r.version = :v)"
                        " + (SELECT count(*) FROM adapted_title_search a"
                        " JOIN retrieval_adapters r ON r.id = a.adapter_id WHERE r.version = :v)"
                    ),
                    {"v": version},
                ).scalar_one()
        counts.append(int(stored))
    return counts


@pytest.mark.slow
def test_only_the_active_and_the_previous_adapter_keep_their_vectors(
    frontdesk: Frontdesk, encoders: list[bytes]
) -> None:
    tenant = _tenant(frontdesk, "acme")
    a, b, c = (_stored(frontdesk, tenant, data) for data in encoders)

    def activate(version: str) -> list[int]:
        frontdesk.adaptation.activate(tenant, version)
        frontdesk.search(tenant, QUERIES[0], 5)  # PostgreSQL fills its search rows now
        return _vector_counts(frontdesk, tenant, [a, b, c])

    first = activate(a)
    assert first[0] > 0
    assert first[1:] == [0, 0]
    kept = first[0]
    assert activate(b) == [kept, kept, 0]
    assert activate(c) == [0, kept, kept]  # a is neither active nor the previous one
    # Reverted, then back to a (embedded again): c was the last active one, b goes.
    frontdesk.adaptation.revert(tenant)
    frontdesk.search(tenant, QUERIES[0], 5)
    assert _vector_counts(frontdesk, tenant, [a, b, c]) == [0, kept, kept]
    assert activate(a) == [kept, 0, kept]
    assert {x.version for x in frontdesk.adaptation.adapters(tenant)} == {a, b, c}
