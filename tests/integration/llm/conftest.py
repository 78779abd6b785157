"""Real servers on loopback for the LLM tests: llama.cpp (xllamacpp) with the packaged
Qwen2.5-Coder-0.5B model, and a deliberately broken OpenAI-compatible server.

Every provider in these tests is built through ``frontdesk.llm.testing.loopback_provider``,
which refuses any base URL off the loopback interface, so no test can reach a hosted API.
Its timeouts are generous (120 s): the machine is shared and slow-but-healthy must pass.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.llm.local import LocalLlamaServer
from frontdesk.llm.models import QWEN25_CODER_05B, model_path
from frontdesk.llm.testing import MisbehavingServer

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


@pytest.fixture
def garbage() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer().start()
    yield server
    server.stop()
