"""The OpenAI chat-completions wire format, without HTTP: request bodies, replies and
streamed chunks, and the errors a malformed body or a cut-off stream raises."""

from __future__ import annotations

import json

import pytest

from frontdesk.llm.completion import Usage
from frontdesk.llm.errors import LlmProtocolError, LlmTruncatedError
from frontdesk.llm.wire import openai

MESSAGES = [{"role": "user", "content": "hi"}]


def test_a_request_leaves_out_options_that_were_not_given() -> None:
    body = openai.chat_request("m", MESSAGES, max_tokens=5, temperature=0.0)
    assert body == {"model": "m", "messages": MESSAGES, "max_tokens": 5, "temperature": 0.0}


def test_a_streamed_request_asks_for_usage_in_the_last_chunk() -> None:
    body = openai.chat_request(
        "m", MESSAGES, max_tokens=5, temperature=0.5, seed=3, stop=["\n"], stream=True
    )
    assert body["seed"] == 3
    assert body["stop"] == ["\n"]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


def test_a_reply_gives_text_finish_reason_model_and_usage() -> None:
    body = {
        "model": "qwen",
        "choices": [{"message": {"content": "Hello"}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": 7,
            "completion_tokens": 2,
            "prompt_tokens_details": {"cached_tokens": 4},
        },
    }
    reply = openai.parse_reply(json.dumps(body), "p")
    assert reply == openai.ChatReply("qwen", "Hello", "stop", Usage(7, 2, 4))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<html>502</html>", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"choices": []}', "no choices"),
        ('{"choices": [{"message": {}}]}', "no message content"),
    ],
)
def test_a_malformed_reply_is_a_protocol_error(text: str, message: str) -> None:
    with pytest.raises(LlmProtocolError, match=message) as raised:
        openai.parse_reply(text, "p")
    assert raised.value.provider == "p"


def _chunk(content: str | None = None, finish: str | None = None) -> str:
    delta = {} if content is None else {"content": content}
    return json.dumps({"choices": [{"delta": delta, "finish_reason": finish}]})


def test_a_stream_reader_hands_out_deltas_and_the_whole_reply() -> None:
    reader = openai.StreamReader("p")
    assert reader.feed(_chunk("Hel")) == ["Hel"]
    assert reader.feed(_chunk("lo", "stop")) == ["lo"]
    assert reader.feed(json.dumps({"choices": [], "usage": {"prompt_tokens": 3}})) == []
    assert reader.feed(openai.DONE) == []
    assert reader.done
    assert reader.reply() == openai.ChatReply(None, "Hello", "stop", Usage(3, 0, 0))


def test_a_stream_without_done_or_finish_reason_was_cut_off() -> None:
    reader = openai.StreamReader("p")
    reader.feed(_chunk("Hel"))
    with pytest.raises(LlmTruncatedError):
        reader.reply()


def test_an_error_chunk_mid_stream_is_a_protocol_error() -> None:
    with pytest.raises(LlmProtocolError, match="mid-stream"):
        openai.StreamReader("p").feed('{"error": {"message": "overloaded"}}')
