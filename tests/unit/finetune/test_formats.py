"""The chat JSONL dialects and the system message that carries the passages."""

from __future__ import annotations

from frontdesk.finetune import ChatExample, render
from frontdesk.finetune.formats import PASSAGE_LIMIT_CHARS, ContextPassage, system_message

EXAMPLE = ChatExample(
    "faq:c1",
    "How much is Plus?",
    "Plus costs 9.99 euros a month [1].",
    (ContextPassage("Plans", "Plus costs 9.99 euros a month."), ContextPassage("Other", "x")),
)


def test_openai_chat_rows_hold_only_messages() -> None:
    row = render("openai-chat", "acme", EXAMPLE)
    assert list(row) == ["messages"]
    system, user, assistant = row["messages"]
    assert system["role"] == "system"
    assert "[1] Plans\nPlus costs 9.99 euros a month." in system["content"]
    assert "[2] Other\nx" in system["content"]
    assert user == {"role": "user", "content": "How much is Plus?"}
    assert assistant == {"role": "assistant", "content": "Plus costs 9.99 euros a month [1]."}


def test_sharegpt_rows_name_their_source() -> None:
    row = render("sharegpt", "acme", EXAMPLE)
    assert row["id"] == "faq:c1"
    assert [turn["from"] for turn in row["conversations"]] == ["system", "human", "gpt"]


def test_long_passages_are_cut_and_no_passage_is_said() -> None:
    long = system_message("acme", [ContextPassage("Long", "word " * 1000)])
    body = long.split("[1] Long\n", 1)[1]
    assert len(body) <= PASSAGE_LIMIT_CHARS
    assert body.endswith("…")
    assert "No help-center passage matched" in system_message("acme", [])
