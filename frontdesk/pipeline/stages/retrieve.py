"""Retrieve: search the tenant's knowledge for the standalone query.

Resolved tickets are searched with everything else but never passed on as passages
(see :mod:`frontdesk.pipeline.stages.evidence`): the search goes ``TICKET_HEADROOM``
deeper so ``top_k`` servable passages remain, and the tickets that matched are recorded
as evidence (``ticket_support``) for the decide stage.

With ``ticket_hop``, a message that reads more like a past ticket than like any article
("booked a pickup and nobody came!!") is also searched for with that ticket's agent reply,
which names the policy that resolved it in the help center's own words; the article passage
that search finds first is marked (``HOP_KEY``) for the generator to answer from first, and
joins the passages if the question alone did not find it. The ticket is never served.

With ``category_hop``, a question naming a member of a category the answer is filed under
("… to Austria" where prices are by zone) is searched again with the category's name; see
:mod:`frontdesk.pipeline.stages.category_hop`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from frontdesk.pipeline.protocols import KnowledgeBase, StageReport
from frontdesk.pipeline.stages.answer_shape import answer_shape, shape_of_kinds
from frontdesk.pipeline.stages.category_hop import (
    CATEGORY,
    CATEGORY_MEMBER,
    HOP_SHAPES,
    asks_for_category_fact,
    candidate_words,
    english_country_names,
    find_membership,
)
from frontdesk.pipeline.stages.evidence import HOP_KEY, TICKET_HEADROOM, separate, similarity_of
from frontdesk.pipeline.stages.quoted import holds, quoted_phrases
from frontdesk.pipeline.state import Passage, TurnState
from frontdesk.retrieval.multilingual import WARMING
from frontdesk.retrieval.rarity import IDF_COVERAGE, MISSING_IDF
from frontdesk.retrieval.types import ENCODER_KEY


@dataclass
class KnowledgeRetriever:
    name: str
    knowledge: KnowledgeBase
    top_k: int = 5
    ticket_hop: bool = False
    ticket_hop_margin: float = 0.0  # how much closer than any article the ticket must be
    category_hop: bool = False
    # A message quoting the product ("it says too many attempts"): the passage holding the
    # quote word for word answers first (see :mod:`frontdesk.pipeline.stages.quoted`).
    quote_hop: bool = False
    # A question the context stage translated into the help center's language is also
    # searched as the customer wrote it (the multilingual index), and the two rankings
    # fused: a translation can miss the help center's word ("move" a parcel for "redirect").
    fuse_untranslated: bool = False

    def warm_up(self) -> None:
        self.knowledge.warm_up()
        if self.category_hop:  # CLDR's country names: 0.15 s, not on a customer's turn
            english_country_names("")

    def run(self, state: TurnState) -> StageReport:
        query = state.query or state.text
        depth = self.top_k + TICKET_HEADROOM
        found = self.knowledge.search(state.tenant_id, query, depth, language=state.search_language)
        if self.fuse_untranslated and state.translated_from and state.language:
            untranslated = self.knowledge.search(
                state.tenant_id, state.translated_from, depth, language=state.language
            )
            found = fused(found, untranslated)[:depth]
        if self.ticket_hop:
            found = self._hop(state, found)
        if self.category_hop and asks_for_category_fact(state.asked):
            found = self._category_hop(state, query, found)
        if self.quote_hop:
            found = self._quote_hop(state, found)
        return self.report(state, found)

    def _quote_hop(self, state: TurnState, found: list[Passage]) -> list[Passage]:
        """``found`` led by the passage holding what the customer quotes, searched for
        with the quote when the question's own passages lack it."""
        for phrase in quoted_phrases(state.text):
            served = separate(found, self.top_k).served
            target = next((p for p in served if holds(_said(p), phrase)), None)
            if target is None:
                extra = separate(
                    self.knowledge.search(
                        state.tenant_id, phrase, self.top_k, language=state.search_language
                    ),
                    self.top_k,
                ).served
                target = next((p for p in extra if holds(_said(p), phrase)), None)
                if target is None:
                    continue
                # Not among the question's passages: the weakest one's scores, so the
                # decide stage's signals are never raised by the quote alone.
                target = _weakened(target, served[-1]) if served else target
            state.details["quote_hop"] = target.chunk_id
            marked = replace(target, metadata={**target.metadata, HOP_KEY: True})
            return [marked, *(p for p in found if p.chunk_id != target.chunk_id)]
        return found

    def _category_hop(self, state: TurnState, query: str, found: list[Passage]) -> list[Passage]:
        """``found`` led by the passage that answers for the category the question's
        member belongs to, followed by the passage stating the membership."""
        language = state.search_language
        words = candidate_words(query)
        if not words:
            return found
        hop = find_membership(words, found)
        # The membership table is rarely among the question's passages: search for the
        # words the passages lack (the name is usually one), some words alone, then all.
        served = separate(found, self.top_k).served
        # A word a passage's title or headings say ("how *much* does …") is not a name
        # the passages lack.
        shown = [" ".join((p.title, *p.heading_path, p.text)) for p in served]
        unmatched = [w for w in words if not any(_names(text, w) for text in shown)]
        searched = list(found)
        longest = sorted(words, key=len, reverse=True)[:2]  # names are long words
        singles = [[w] for w in dict.fromkeys([*unmatched[:2], *longest])]
        attempts = [a for a in dict.fromkeys(map(tuple, [unmatched, *singles, words])) if a]
        # A country named in another language ("Österreich") is looked up first by its
        # English name, in the English index: the multilingual one finds nothing by a name.
        english = english_country_names(query) if language != "en" else []
        tries = [(tuple(english), "en")] if english else []
        tries += [(attempt, language) for attempt in attempts[:5]]
        for attempt, searched_in in tries:
            if hop is not None:
                break
            extra = separate(
                self.knowledge.search(
                    state.tenant_id, " ".join(attempt), self.top_k, language=searched_in
                ),
                self.top_k,
            ).served
            hop = find_membership(words, extra)
            searched.extend(extra)
        if hop is None:
            return found  # as the question found them: side searches only look for the row
        label = re.compile(rf"\b{re.escape(hop.label)}\b", re.IGNORECASE)
        # The message's own words with the category: a follow-up ("how long will it
        # take?") searched with the earlier price question finds the price tables again.
        again = separate(
            self.knowledge.search(
                state.tenant_id,
                f"{state.asked} {hop.label}",
                2 * self.top_k + TICKET_HEADROOM,
                language=language,
            ),
            2 * self.top_k,
        ).served
        naming = [p for p in again if p.chunk_id != hop.chunk_id and label.search(p.text)]
        shape = answer_shape(state.asked)  # the price table, not a note naming the zone
        if not shape.kinds:  # asked in another language (asks_for_category_fact knew it)
            shape = shape_of_kinds(*HOP_SHAPES)
        stating = [p for p in naming if shape.stated_in(p.text)]
        # A table filed by the category ("| Zone 5 | 6-14 business days |") before prose
        # that mentions it ("returns take … up to 3 weeks for Zone 5")
        target = next((p for p in stating if _tabled(p.text, label)), None) or next(
            iter(stating), None
        )
        membership = next((p for p in searched if p.chunk_id == hop.chunk_id), None)
        if target is None or membership is None:
            return found
        state.details["category_hop"] = {"member": hop.member, "label": hop.label}
        lead = [
            replace(target, metadata={**target.metadata, HOP_KEY: True, CATEGORY: hop.label}),
            replace(membership, metadata={**membership.metadata, CATEGORY_MEMBER: hop.member}),
        ]
        return [*lead, *(p for p in found if p.chunk_id not in _ids(lead))]

    def _hop(self, state: TurnState, found: list[Passage]) -> list[Passage]:
        """``found`` with the passage a closely matching ticket's reply points to first."""
        evidence = separate(found, self.top_k)
        if not evidence.tickets or not evidence.served:
            return found
        ticket = max(evidence.tickets, key=similarity_of)
        reply = ticket.metadata.get("answer")
        closest = max(similarity_of(p) for p in evidence.served)
        if not isinstance(reply, str) or similarity_of(ticket) <= closest + self.ticket_hop_margin:
            return found
        hopped = separate(
            self.knowledge.search(state.tenant_id, reply, self.top_k + TICKET_HEADROOM), 1
        ).served
        if not hopped:
            return found
        target = hopped[0]
        state.details["ticket_hop"] = target.chunk_id
        marked = {**target.metadata, HOP_KEY: True}
        if any(p.chunk_id == target.chunk_id for p in evidence.served):
            # Found by the question too: it keeps its place and its scores.
            return [
                replace(p, metadata=marked) if p.chunk_id == target.chunk_id else p for p in found
            ]
        # Not among the question's own passages: it takes the last servable place, with the
        # lowest servable scores, so the decide stage's signals are never raised by the hop.
        weakest = evidence.served[-1]
        hop = _weakened(replace(target, metadata=marked), weakest)
        kept = [p for p in found if p.chunk_id != weakest.chunk_id]
        served_before = evidence.served[:-1]
        at = max((kept.index(p) for p in served_before), default=-1) + 1
        return [*kept[:at], hop, *kept[at:]]

    def report(self, state: TurnState, found: list[Passage]) -> StageReport:
        """Keep the ``top_k`` best servable passages of ``found`` as the turn's, record
        the tickets among them as evidence, and say what was found (or why nothing was)."""
        evidence = separate(found, self.top_k)
        passages = evidence.served
        state.passages = passages
        state.details["ticket_support"] = round(evidence.ticket_support, 4)
        flags: list[str] = []
        if any(p.metadata.get(WARMING) for p in found):
            # Searched before the multilingual index was complete (see the decide stage).
            state.details[WARMING] = True
            flags.append(WARMING)
        if not passages:
            empty = self.knowledge.chunk_count(state.tenant_id) == 0
            flags.append("no_knowledge" if empty else "no_results")
        detail: dict[str, object] = {"chunk_ids": [p.chunk_id for p in passages]}
        if evidence.tickets:
            detail["tickets"] = evidence.record()
        hop = state.details.get("ticket_hop")
        if hop is not None:
            detail["ticket_hop"] = hop
        category = state.details.get("category_hop")
        if category is not None:
            detail["category_hop"] = category
        quote = state.details.get("quote_hop")
        if quote is not None:
            detail["quote_hop"] = quote
        encoder = found[0].metadata.get(ENCODER_KEY) if found else None
        if encoder is not None:  # the tenant's adapted retrieval encoder (knowledge adapt)
            detail["encoder"] = encoder
        return StageReport(
            scores={
                "passages": float(len(passages)),
                "top_score": passages[0].score if passages else 0.0,
                "ticket_support": round(evidence.ticket_support, 4),
            },
            flags=flags,
            detail=detail,
        )


def fused(first: list[Passage], second: list[Passage], k: int = 60) -> list[Passage]:
    """Both rankings by reciprocal rank (``k`` as in Cormack et al.); a passage both found
    is ``first``'s (its scores come from that search), ties go to ``first``'s order."""
    scores: dict[str, float] = {}
    chosen: dict[str, Passage] = {}
    for ranking in (first, second):
        for rank, passage in enumerate(ranking):
            scores[passage.chunk_id] = scores.get(passage.chunk_id, 0.0) + 1.0 / (k + rank + 1)
            chosen.setdefault(passage.chunk_id, passage)
    order = {chunk_id: i for i, chunk_id in enumerate(chosen)}
    ranked = sorted(chosen, key=lambda c: (-scores[c], order[c]))
    return [chosen[c] for c in ranked]


def _ids(passages: list[Passage]) -> set[str]:
    return {p.chunk_id for p in passages}


def _tabled(text: str, label: re.Pattern[str]) -> bool:
    """A table row (or header) of ``text`` names the category."""
    return any(line.lstrip().startswith("|") and label.search(line) for line in text.splitlines())


def _names(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


def _weakened(passage: Passage, weakest: Passage) -> Passage:
    """``passage`` with ``weakest``'s retrieval scores."""
    low = {
        k: weakest.metadata.get(k)
        for k in ("dense", "dense_title", "bm25", IDF_COVERAGE, MISSING_IDF)
    }
    return replace(passage, score=weakest.score, metadata={**passage.metadata, **low})


def _said(passage: Passage) -> str:
    """What the passage says: a FAQ entry's question and answer, else its text."""
    answer = passage.metadata.get("answer")
    return f"{passage.text} {answer}" if isinstance(answer, str) else passage.text
