"""A small help center written for one test and ingested into acme."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import pytest

from frontdesk.pipeline.state import HistoryTurn, TurnState
from frontdesk.releases.config import default_release
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


class Compose(Protocol):
    def __call__(self, tenant_id: str, message: str, earlier: Sequence[str] = ()) -> TurnState: ...


@pytest.fixture
def composed(frontdesk: Frontdesk) -> Compose:
    """``composed(tenant_id, message, earlier)``: the turn as the default release's stages
    leave it once the reply is composed, before the decide stage weighs whether to send it
    (a help center of a few articles gives it little to be confident about); ``earlier``
    are the customer's earlier messages in the conversation."""

    def compose(tenant_id: str, message: str, earlier: Sequence[str] = ()) -> TurnState:
        pipeline = frontdesk.registry.build_pipeline(default_release(), frontdesk.resources)
        state = TurnState(tenant_id=tenant_id, conversation_id="c", text=message, language="en")
        state.history = [HistoryTurn("customer", text) for text in earlier]
        try:
            for stage in pipeline.stages:
                stage.run(state)
                if stage.name == "generate":
                    return state
        finally:
            pipeline.close()
        raise AssertionError("the default release has no generate stage")

    return compose
