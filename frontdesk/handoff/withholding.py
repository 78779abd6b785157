"""Checks that withhold an extractive reply whatever the confidence model says: the reply
does not speak to what was asked (an existence or destination question whose thing no
quoted source names, a follow-up adding something no passage names, a message naming
nothing but numbers), or its first sentence states a bound the customer's quantity
breaks. English only, like the generator's word matching.
"""

from __future__ import annotations

from frontdesk.guards.output.text import split_sentences
from frontdesk.pipeline.stages.existence import (
    asks_destination,
    names_nothing,
    unnamed,
    unnamed_follow_up,
)
from frontdesk.pipeline.stages.quantities import broken_bound
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.types import Passage


def answering_passage(state: TurnState) -> Passage | None:
    """The passage the reply cites first (the top one when it cites none)."""
    if state.citations:
        cited = state.citations[0].chunk_id
        for passage in state.passages:
            if passage.chunk_id == cited:
                return passage
    return state.passages[0] if state.passages else None


def cited_passages(state: TurnState) -> list[Passage]:
    """The passages the reply quotes (the top one when it cites none)."""
    cited = {c.chunk_id for c in state.citations}
    quoted = [p for p in state.passages if p.chunk_id in cited]
    return quoted or state.passages[:1]


def _english(state: TurnState) -> bool:
    return state.search_language == "en"


def _said(passage: Passage) -> str:
    """Everything a passage names: title, headings, text and a FAQ entry's answer."""
    answer = str(passage.metadata.get("answer") or "")
    return " ".join((passage.title, *passage.heading_path, passage.text, answer))


def unnamed_in_reply(state: TurnState) -> list[str]:
    """What an existence or destination question asks about that the reply's sources
    never name."""
    passage = answering_passage(state)
    if passage is None or not _english(state):
        return []
    # A destination may be named by another quoted passage: the price for Zone 5
    # answers, the zone table quoted after it names Australia.
    quoted = cited_passages(state) if asks_destination(state.asked) else [passage]
    return unnamed(state.asked, " ".join(_said(p) for p in quoted))


def names_nothing_asked(state: TurnState) -> bool:
    """An English message naming nothing that did not borrow words from earlier turns."""
    standalone = not state.query or state.query == state.asked
    return _english(state) and standalone and names_nothing(state.asked)


def unnamed_in_follow_up(state: TurnState) -> list[str]:
    """What a follow-up adds that no passage names."""
    if not state.query or state.query == state.asked or not _english(state):
        return []
    return unnamed_follow_up(state.asked, state.query, [_said(p) for p in state.passages])


def bound_broken(state: TurnState) -> str | None:
    """A bound in the reply's first sentence the customer's quantity breaks."""
    if not _english(state):
        return None
    first = split_sentences(state.answer)
    return broken_bound(state.asked, first[0].text) if first else None
