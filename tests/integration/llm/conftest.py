"""Real servers on loopback for the LLM tests: llama.cpp (xllamacpp) with the packaged
Qwen2.5-Coder-0.5B model (the ``llama_server`` fixture, in tests/conftest.py so browser
tests share it), and a deliberately broken OpenAI-compatible server.

Every provider in these tests is built through ``frontdesk.llm.testing.loopback_provider``,
which refuses any base URL off the loopback interface, so no test can reach a hosted API.
Its timeouts are generous (120 s): the machine is shared and slow-but-healthy must pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import pytest

from frontdesk.llm.testing import MisbehavingServer
from frontdesk.runtime import Frontdesk


@pytest.fixture
def garbage() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer().start()
    yield server
    server.stop()


S = TypeVar("S")


class LlmStages:
    """Builds LLM-backed stages from the registry; their assistants' HTTP clients are
    closed when the test ends."""

    def __init__(self, frontdesk: Frontdesk) -> None:
        self._frontdesk = frontdesk
        self._made: list[Any] = []

    def build(self, role: str, name: str, params: dict[str, Any], kind: type[S]) -> S:
        stage = self._frontdesk.registry.build_stage(role, name, params, self._frontdesk.resources)
        assert isinstance(stage, kind)
        self._made.append(stage)
        return stage

    def close(self) -> None:
        for stage in self._made:
            stage.assistant.close()


@pytest.fixture
def llm_stages(frontdesk: Frontdesk) -> Iterator[LlmStages]:
    stages = LlmStages(frontdesk)
    yield stages
    stages.close()
