"""A release that names a local model gets its llama.cpp server started by Frontdesk, with
no server to run by hand, and stopped when Frontdesk closes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from frontdesk.api.schemas import TurnPublic
from frontdesk.errors import ConfigurationError
from frontdesk.llm.config import ProviderConfig
from frontdesk.llm.errors import LlmTransportError
from frontdesk.releases.config import load_release
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings
from frontdesk.testing.turns import llm_release


def _release_file(tmp_path: Path, local_model: str) -> Path:
    onbox = {"name": "onbox", "local_model": local_model, "read_timeout_s": 120, "deadline_s": 120}
    release = llm_release([onbox], release_id="local-llm", max_tokens=96, deadline_s=120)
    path = tmp_path / "release.json"
    path.write_text(release.model_dump_json())
    return path


def test_a_release_naming_a_local_gguf_starts_and_stops_its_server(
    settings: Settings, qwen_path: Path, tmp_path: Path
) -> None:
    configured = settings.model_copy(
        update={"release_file": _release_file(tmp_path, str(qwen_path))}
    )
    instance = Frontdesk(configured, release=load_release(configured))
    instance.init()
    try:
        instance.warm_up()  # starts the llama.cpp server
        tenant = instance.tenants.create_tenant("acme")
        faq = tmp_path / "faq.csv"
        faq.write_text(
            'question,answer\nDo you ship to Norway?,"Yes, Norway is in zone 4; '
            'parcels arrive in 5 to 7 business days."\n'
        )
        instance.knowledge.ingest_paths(tenant.id, [faq])
        conversation = instance.conversations.create(tenant.id)
        posted = instance.conversations.post_message(
            tenant.id, conversation.id, "How long does a parcel to Norway take?"
        )
        turn = TurnPublic.of(posted.turn)
        generate = next(stage for stage in turn.trace if stage.name == "generate")
        assert generate.detail["provider"] == "onbox", (generate.flags, generate.detail)
        assert qwen_path.stem in generate.detail["model"]
        assert "fallback:extractive" not in generate.flags
        servers = instance.resources.local_models.running()
        assert len(servers) == 1
        url = servers[0].url
        assert httpx.get(f"{url}/health", timeout=5).is_success
    finally:
        instance.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/health", timeout=2)


def test_a_provider_needs_exactly_one_endpoint_and_a_real_model(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="exactly one of base_url"):
        ProviderConfig(name="none")
    with pytest.raises(ValidationError, match="exactly one of base_url"):
        ProviderConfig(name="both", base_url="http://127.0.0.1:1/v1", local_model="x.gguf")
    from frontdesk.llm.local_pool import LocalModelPool

    pool = LocalModelPool(tmp_path)
    with pytest.raises(ConfigurationError, match="neither a packaged model"):
        pool.resolve(ProviderConfig(name="missing", local_model=str(tmp_path / "nope.gguf")))
    # Once closed, no component can start a server that nobody would stop: the call fails
    # like an unreachable provider, so the caller falls back.
    (tmp_path / "tiny.gguf").write_bytes(b"GGUF")
    pool.close()
    with pytest.raises(LlmTransportError, match="application is closing"):
        pool.resolve(ProviderConfig(name="late", local_model=str(tmp_path / "tiny.gguf")))
    assert pool.running() == []
