"""Real servers on loopback for the LLM tests: llama.cpp (xllamacpp) with the packaged
Qwen2.5-Coder-0.5B model (the ``llama_server`` fixture, in tests/conftest.py so browser
tests share it), and a deliberately broken OpenAI-compatible server.

Every provider in these tests is built through ``frontdesk.llm.testing.loopback_provider``,
which refuses any base URL off the loopback interface, so no test can reach a hosted API.
Its timeouts are generous (120 s): the machine is shared and slow-but-healthy must pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdesk.llm.testing import MisbehavingServer


@pytest.fixture
def garbage() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer().start()
    yield server
    server.stop()
