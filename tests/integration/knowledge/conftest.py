"""The knowledge tests' fixture for running one test on each search backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.runtime import Frontdesk
from tests.conftest import PostgresDatabases, make_settings


@pytest.fixture(params=["in_process", pytest.param("postgres", marks=pytest.mark.postgres)])
def search_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Frontdesk]:
    """A migrated Frontdesk whose knowledge is searched by the backend under test."""
    if request.param == "in_process":
        url = f"sqlite:///{tmp_path / 'frontdesk.db'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("pgvector")
        url = databases.create()
    instance = Frontdesk(make_settings(url, tmp_path / "data"))
    instance.init()
    yield instance
    instance.close()
