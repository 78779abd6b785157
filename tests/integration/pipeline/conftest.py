"""A small help center written for one test and ingested into acme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from frontdesk.runtime import Frontdesk
from tests.conftest import TenantKeys


@pytest.fixture
def ingest_helpcenter(
    frontdesk: Frontdesk, acme: TenantKeys, tmp_path: Path
) -> Callable[[dict[str, str]], str]:
    """Writes ``{file name: text}`` to a folder, ingests it into acme (every file must
    load) and returns acme's tenant id."""

    def ingest(files: dict[str, str]) -> str:
        root = tmp_path / "helpcenter"
        root.mkdir()
        for name, text in files.items():
            (root / name).write_text(text)
        report = frontdesk.knowledge.ingest_paths(acme.id, [root])
        assert report.failed == {}
        return str(acme.id)

    return ingest
