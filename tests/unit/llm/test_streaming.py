"""The draft shown while a model streams its JSON, and self-consistency voting."""

from __future__ import annotations

import json

import pytest

from frontdesk.llm.prompts import AnswerPayload
from frontdesk.llm.streaming import AnswerDraft
from frontdesk.pipeline.stages.llm_answers import choose_by_agreement


def _feed_in_pieces(raw: str, size: int) -> tuple[AnswerDraft, str]:
    draft = AnswerDraft()
    shown = "".join(draft.feed(raw[i : i + size]) for i in range(0, len(raw), size))
    return draft, shown


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_the_draft_is_the_decoded_answer_whatever_the_fragment_size(size: int) -> None:
    answer = 'Refunds take 5 "business" days\\n [1] — café 😀 \\ done'
    raw = json.dumps({"sufficient": True, "answer": answer, "citations": [1]})
    draft, shown = _feed_in_pieces(raw, size)
    assert shown == answer
    assert draft.text == answer
    assert draft.sufficient is True


def test_nothing_is_shown_once_the_model_says_the_passages_do_not_suffice() -> None:
    raw = json.dumps({"sufficient": False, "answer": "I cannot tell from these.", "citations": [1]})
    draft, shown = _feed_in_pieces(raw, 4)
    assert shown == ""
    assert draft.sufficient is False
    assert draft.text == "I cannot tell from these."


def test_text_before_the_answer_key_and_after_its_closing_quote_is_not_shown() -> None:
    raw = '```json\n{"sufficient": true, "citations": [2], "answer": "Yes."}\n```'
    _draft, shown = _feed_in_pieces(raw, 5)
    assert shown == "Yes."


def test_a_broken_unicode_escape_becomes_a_replacement_character() -> None:
    _draft, shown = _feed_in_pieces('{"answer": "a\\uZZZZb"}', 3)
    assert shown == "a\ufffdb"


def _payload(sufficient: bool, citations: list[int], answer: str = "x") -> AnswerPayload:
    return AnswerPayload(sufficient=sufficient, answer=answer, citations=citations)


def test_the_answer_most_samples_agree_with_wins() -> None:
    samples = [
        _payload(True, [1], "greedy"),
        _payload(True, [2], "other"),
        _payload(True, [2], "other again"),
    ]
    chosen, agreement = choose_by_agreement(samples, passages=2)
    assert chosen.answer == "other"
    assert agreement == pytest.approx(2 / 3)


def test_a_tie_goes_to_the_greedy_sample_and_out_of_range_citations_do_not_split_votes() -> None:
    samples = [_payload(True, [1, 9], "greedy"), _payload(False, [1], "decline")]
    chosen, agreement = choose_by_agreement(samples, passages=2)
    assert chosen.answer == "greedy"
    assert agreement == 0.5
    same = [_payload(True, [1, 9]), _payload(True, [1])]
    assert choose_by_agreement(same, passages=2)[1] == 1.0
