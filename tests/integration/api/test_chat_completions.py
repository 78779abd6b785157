"""The OpenAI-compatible face, driven by the official ``openai`` client against a real
server: answers with sources, streaming, continuing a conversation, handoff, errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import serve

FAQ = (
    "question,answer,url\n"
    "How much does the Plus plan cost?,Plus costs 9.99 euros a month.,https://help.example.com/plus\n"
)


@pytest.fixture
def base_url(frontdesk: Frontdesk, acme, tmp_path: Path) -> Iterator[str]:
    faq = tmp_path / "faq.csv"
    faq.write_text(FAQ)
    frontdesk.knowledge.ingest_paths(acme.id, [faq])
    with serve(create_app(instance=frontdesk)) as base:
        yield f"{base}/v1"


def _client(base_url: str, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=key, max_retries=0)


def test_an_answer_comes_back_with_its_sources(base_url: str, acme) -> None:
    client = _client(base_url, acme.widget)
    assert [m.id for m in client.models.list()] == ["default"]
    completion = client.chat.completions.create(
        model="default",
        messages=[
            {"role": "system", "content": "You are a pirate."},  # the release decides
            {"role": "user", "content": "How much does the Plus plan cost?"},
        ],
    )
    content = completion.choices[0].message.content or ""
    assert "9.99 euros" in content
    assert (
        "Sources:\n[1] How much does the Plus plan cost? (https://help.example.com/plus)" in content
    )
    extra = completion.model_extra["frontdesk"]
    assert extra["outcome"] == "answered"
    assert extra["citations"][0]["url"] == "https://help.example.com/plus"


def test_a_streamed_answer_is_the_same_answer(base_url: str, acme) -> None:
    client = _client(base_url, acme.widget)
    question = [{"role": "user", "content": "How much does the Plus plan cost?"}]
    whole = client.chat.completions.create(model="default", messages=question)
    stream = client.chat.completions.create(model="default", messages=question, stream=True)
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert streamed == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["frontdesk"]["outcome"] == "answered"


def test_a_customer_id_continues_the_conversation_and_a_new_chat_starts_another(
    base_url: str, acme
) -> None:
    client = _client(base_url, acme.widget)
    first = client.chat.completions.create(
        model="default",
        user="crm-1",
        messages=[{"role": "user", "content": "How much does the Plus plan cost?"}],
    )
    reply = first.choices[0].message.content
    second = client.chat.completions.create(
        model="default",
        user="crm-1",
        messages=[
            {"role": "user", "content": "How much does the Plus plan cost?"},
            {"role": "assistant", "content": reply},
            {"role": "user", "content": "I want to talk to a real person please"},
        ],
    )
    conversation = first.model_extra["frontdesk"]["conversation_id"]
    assert second.model_extra["frontdesk"]["conversation_id"] == conversation
    assert second.model_extra["frontdesk"]["outcome"] == "handoff"
    assert "person" in (second.choices[0].message.content or "")
    third = client.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": "hello? anyone?"}],
        metadata={"conversation_id": conversation},
    )
    assert third.model_extra["frontdesk"]["outcome"] == "queued"  # a person has it now
    fresh = client.chat.completions.create(
        model="default",
        user="crm-1",
        messages=[{"role": "user", "content": "How much does the Plus plan cost?"}],
    )
    assert fresh.model_extra["frontdesk"]["conversation_id"] != conversation


def test_bad_requests_are_clear_errors(base_url: str, acme, globex) -> None:
    client = _client(base_url, acme.widget)
    with pytest.raises(openai.NotFoundError, match="not found"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.UnprocessableEntityError, match="last message"):
        client.chat.completions.create(
            model="default", messages=[{"role": "assistant", "content": "hi"}]
        )
    with pytest.raises(openai.AuthenticationError):
        _client(base_url, "fdk_nope").chat.completions.create(
            model="default", messages=[{"role": "user", "content": "hi"}]
        )
    mine = client.chat.completions.create(
        model="default", messages=[{"role": "user", "content": "hello"}]
    ).model_extra["frontdesk"]["conversation_id"]
    with pytest.raises(openai.NotFoundError):  # another tenant's conversation
        _client(base_url, globex.widget).chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "hi"}],
            metadata={"conversation_id": mine},
        )
