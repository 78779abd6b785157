"""Draft a general FAQ entry from one customer's message and one agent's reply.

A ticket answers one customer: it greets them by name, quotes their claim numbers and
amounts, and states what the agent did for them ("I've refunded it as credit"). None of
that may reach another customer, so the draft keeps only the policy: the question
without greetings, sign-offs, names, identifiers and amounts; the answer without
greetings, pleasantries, action claims and sentences about this customer's case.

The patterns are the output guard's (action claims, identifiers) and the PII redactor's
(names, e-mails, phones), so what the guard would block never reaches a draft. Pure
functions: the caller passes the PII finder (with NER when the release has it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from frontdesk.domain.conversation import Speaker, Turn
from frontdesk.guards.output.actions import action_claims
from frontdesk.guards.output.entities import (
    Entity,
    emails,
    greeting_name,
    phones,
    reference_ids,
    urls,
)
from frontdesk.guards.output.text import split_sentences
from frontdesk.guards.pii.address import find_introduced_names
from frontdesk.guards.pii.patterns import find_structured
from frontdesk.guards.types import PiiSpan
from frontdesk.handoff.ticket_text import (
    AMOUNT,
    CASE_DETAIL,
    CLOSER,
    CODE,
    DONE_BY_US,
    GREETING,
    HOLDING,
    ID_NOUN,
    LABEL_START,
    PLACEHOLDER,
    PLACEHOLDER_KINDS,
    PLEASANTRY,
    QUESTION_SENTENCES,
    ROLE_MAILBOXES,
    SIGN_OFF_WORDS,
    amount_key,
    sentences,
    tidy,
)


class PiiFinder(Protocol):
    """:class:`frontdesk.guards.pii.redactor.PiiRedactor` or anything with its ``find``."""

    def find(self, text: str) -> list[PiiSpan]: ...


@dataclass(frozen=True, slots=True)
class Removal:
    kind: str  # greeting | sign_off | pleasantry | holding | name | email | phone | id | url
    #            | amount | action_claim | case_detail | personal_data
    count: int

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "count": self.count}


@dataclass(frozen=True, slots=True)
class FaqDraft:
    question: str
    answer: str
    removed: list[Removal] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.answer,
            "removed": [r.to_dict() for r in self.removed],
        }


def generalise(
    customer: str,
    reply: str,
    finder: PiiFinder,
    *,
    subject: str | None = None,
    agent_names: Iterable[str] = (),
) -> FaqDraft:
    """A general FAQ entry drafted from ``customer``'s message and the agent's ``reply``,
    and what was taken out (by kind). ``subject`` (a ticket's title) is a fallback
    question when nothing general is left of the customer's message. ``agent_names`` are
    the names the replying agents go by (a canned reply's "this is {{agent_name}}")."""
    removed: Counter[str] = Counter()
    names = _names(customer, reply, finder) | {n.strip() for n in agent_names if n.strip()}
    question = _question(customer, finder, names, removed)
    if not question and subject:
        question = _clean_inline(subject, finder, names, removed)
    answer = _answer(reply, customer, names, removed)
    return FaqDraft(question, answer, [Removal(k, n) for k, n in sorted(removed.items())])


def agent_names(turns: Iterable[Turn]) -> set[str]:
    """The names agents replied under (stored with each agent turn)."""
    found: set[str] = set()
    for turn in turns:
        agent = turn.details.get("agent") if turn.speaker is Speaker.AGENT else None
        if isinstance(agent, dict) and isinstance(agent.get("name"), str):
            found.add(agent["name"])
    return found


def redact_example(text: str, finder: PiiFinder) -> str:
    """A customer's message as an example for agents: personal data as placeholders."""
    names = _names(text, "", finder)
    spans = _personal_spans(text, finder, names)
    out, cursor = [], 0
    for start, end, kind in spans:
        out.append(text[cursor:start])
        out.append(f"<{kind.upper()}>")
        cursor = end
    out.append(text[cursor:])
    return tidy("".join(out))


def customer_names(customer: str, reply: str, finder: PiiFinder) -> set[str]:
    """The people a ticket names, as written: who the agent greets, who introduces or
    signs themselves, multi-word names the finder sees in the customer's message, and
    the name in their e-mail address ("jane.doe@..." → "jane doe"). What the tenant's
    name list learns from a ticket (:mod:`frontdesk.guards.pii.listed_names`)."""
    found, local_tokens = _found_names(customer, reply, finder)
    mailbox_names = {" ".join(tokens) for tokens in local_tokens if len(tokens) >= 2}
    return {n for n in found if any(_name_token(t) for t in n.split())} | mailbox_names


def _found_names(
    customer: str, reply: str, finder: PiiFinder
) -> tuple[list[str], list[tuple[str, ...]]]:
    found: list[str] = []
    mailboxes = emails(customer) + emails(reply)
    local_tokens = [
        tuple(
            token.lower()
            for token in re.split(r"[._\-+\d]+", e.text.split("@")[0])
            if len(token) >= 3 and token.lower() not in ROLE_MAILBOXES
        )
        for e in mailboxes
    ]
    known = {t for tokens in local_tokens for t in tokens}
    for sentence in split_sentences(reply)[:1] + split_sentences(customer)[:1]:
        greeted = greeting_name(sentence.text)
        if greeted is not None:
            found.append(greeted.text)
    for text in (customer, reply):
        # "I'm Sam", "Regards, Jane": introduced names count wherever they are.
        found += [text[s.start : s.end] for s in find_introduced_names(text)]
        for span in finder.find(text):
            if span.label != "PERSON":
                continue
            surface = text[span.start : span.end].strip(" '\u2019\"")
            tokens = surface.split()
            # NER calls many single capitalised words a person ("Small", "Store"): a lone
            # token counts only when an e-mail address or a greeting confirms it.
            if (
                (len(tokens) >= 2 and text is customer)
                or span.source == "pattern"
                or any(t.lower() in known for t in tokens)
            ):
                found.append(surface)
    return found, local_tokens


def _names(customer: str, reply: str, finder: PiiFinder) -> set[str]:
    found, local_tokens = _found_names(customer, reply, finder)
    names = {t for name in found for t in re.split(r"[\s,]+", name) if _name_token(t)}
    return names | {t.capitalize() for tokens in local_tokens for t in tokens}


def _name_token(token: str) -> bool:
    return len(token) >= 2 and token[:1].isupper() and any(c.isalpha() for c in token)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(names, key=len, reverse=True)
    if not ordered:
        return None
    joined = "|".join(re.escape(n) for n in ordered)
    return re.compile(rf"(?<![\w])(?:{joined})(?:['\u2019]s)?(?![\w'\u2019])")


def _personal_spans(text: str, finder: PiiFinder, names: set[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans of personal data in ``text``."""
    spans: list[tuple[int, int, str]] = []
    entities: list[Entity] = emails(text) + phones(text) + reference_ids(text) + urls(text)
    spans += [(e.start, e.end, e.kind) for e in entities]
    spans += [(m.start(), m.end(), "id") for m in CODE.finditer(text)]
    spans += [
        (m.start(), m.end(), PLACEHOLDER_KINDS.get(m.group(1), "personal_data"))
        for m in PLACEHOLDER.finditer(text)
    ]
    spans = [_with_noun(text, span) for span in spans]
    structured = find_structured(text, frozenset({"IBAN", "CREDIT_CARD", "SSN", "NATIONAL_ID"}))
    spans += [(s.start, s.end, "personal_data") for s in structured]
    spans += [(s.start, s.end, "name") for s in finder.find(text) if s.label == "ADDRESS"]
    pattern = _name_pattern(names)
    if pattern is not None:
        spans += [(m.start(), m.end(), "name") for m in pattern.finditer(text)]
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _with_noun(text: str, span: tuple[int, int, str]) -> tuple[int, int, str]:
    start, end, kind = span
    if kind != "id":
        return span
    noun = ID_NOUN.search(text, 0, start)
    # Only a label standing alone goes: "(invoice INV-1)", ", account ACC-2", "Claim C-3.";
    # in a sentence the noun stays ("copies of invoice INV-1" -> "copies of invoice").
    if noun is None or not LABEL_START.search(text, 0, noun.start()):
        return span
    return (noun.start(), end, kind)


# An introduction right before a name, with the comma or "and" joining it to the sentence.
_INTRODUCTION = re.compile(
    r"(?:\s*,\s*|\s+and\s+|\s*)\b(?i:my\s+name\s+is|i\s+am|i'm|this\s+is)\s+$"
)


def _clean_inline(text: str, finder: PiiFinder, names: set[str], removed: Counter[str]) -> str:
    """``text`` with personal data and amounts cut out, counted in ``removed``."""
    out, cursor = [], 0
    for start, end, kind in _personal_spans(text, finder, names):
        if kind == "name":  # "…, my name is Tom Becker": the introduction goes with it
            intro = _INTRODUCTION.search(text, cursor, start)
            start = intro.start() if intro is not None else start
        out.append(text[cursor:start])
        removed["name" if kind == "name" else kind] += 1
        cursor = end
    out.append(text[cursor:])
    cleaned = "".join(out)
    amounts = len(AMOUNT.findall(cleaned))
    if amounts:
        removed["amount"] += amounts
        cleaned = AMOUNT.sub("", cleaned)
    return tidy(cleaned)


def _question(customer: str, finder: PiiFinder, names: set[str], removed: Counter[str]) -> str:
    parts = sentences(customer)
    kept: list[str] = []
    for index, sentence in enumerate(parts):
        text = sentence
        if index == 0:
            text = _strip_greeting(text, removed)
        if index == len(parts) - 1:
            text = _strip_sign_off(text, removed)
        text = _clean_inline(text, finder, names, removed)
        if len(re.findall(r"[^\W\d_]{2,}", text)) < 4 and not text.endswith("?"):
            if text:
                removed["case_detail"] += 1
            continue
        kept.append(text)
    asked = [i for i, s in enumerate(kept) if s.endswith("?")]
    if asked:
        last = asked[-1]
        kept = kept[max(0, last - QUESTION_SENTENCES + 1) : last + 1]
    question = " ".join(kept[:QUESTION_SENTENCES])
    return question[:1].upper() + question[1:]


def _strip_greeting(text: str, removed: Counter[str]) -> str:
    match = GREETING.match(text)
    if match is None or match.end() == 0:
        return text
    removed["greeting"] += 1
    rest = text[match.end() :]
    return rest[:1].upper() + rest[1:]


def _strip_sign_off(text: str, removed: Counter[str]) -> str:
    """Cut ``- Jane Doe (jane@...)`` or ``Thanks, John`` off the customer's last sentence."""
    dash = re.search(r"\s[\u2013\u2014-]\s*[^\s?!.][^?!]*$", text)
    if dash is not None and not re.search(r"\b(?:is|are|was|can|do|does)\b", dash.group()):
        removed["sign_off"] += 1
        text = text[: dash.start()]
    thanks = re.search(r"[.!?]?\s*(?:thanks|thank you|cheers|regards)\b[^.?!]*$", text, re.I)
    if thanks is not None and thanks.start() > 0:
        removed["sign_off"] += 1
        text = text[: thanks.start() + (1 if text[thanks.start()] in ".!?" else 0)]
    return text


def _answer(reply: str, customer: str, names: set[str], removed: Counter[str]) -> str:
    customer_amounts = {amount_key(a) for a in AMOUNT.findall(customer)}
    name_pattern = _name_pattern(names)
    customer_contacts = {e.key for e in emails(customer) + phones(customer) + urls(customer)}
    parts = [
        re.sub(r"^[\u2014\u2013\s-]*(?:update:\s*)?", "", p, flags=re.I) for p in sentences(reply)
    ]
    # An amount the agent credited or refunded is this customer's: "the €5 credit" later
    # in the reply is theirs too.
    given = {amount_key(a) for p in parts if _claims_action(p) for a in AMOUNT.findall(p)}
    kept: list[str] = []
    for index, text in enumerate(parts):
        if index == 0:
            text = _strip_greeting(text, removed)
            if not text.strip():  # "Hi!" was the whole sentence: counted as the greeting
                continue
        kind = _drop_reason(text, customer_amounts, name_pattern, customer_contacts)
        if kind is None and any(
            amount_key(a) in given
            for a in re.findall(r"\bthe\s+(" + AMOUNT.pattern + ")", text, re.I)
        ):
            kind = "amount"
        if kind is not None:
            removed[kind] += 1
            continue
        if SIGN_OFF_WORDS.fullmatch(text.strip()):
            removed["sign_off"] += 1
            continue
        kept.append(text[:1].upper() + text[1:])
    return " ".join(kept)


def _claims_action(text: str) -> bool:
    return bool(action_claims(text)) or DONE_BY_US.search(text) is not None


def _drop_reason(
    text: str,
    customer_amounts: set[str],
    name_pattern: re.Pattern[str] | None,
    customer_contacts: set[str],
) -> str | None:
    """Why a sentence of the reply cannot be part of a general answer, if it cannot."""
    if not text or PLEASANTRY.match(text) or CLOSER.fullmatch(text.strip()):
        return "pleasantry"
    if HOLDING.match(text):
        return "holding"
    if _claims_action(text):
        return "action_claim"
    if name_pattern is not None and name_pattern.search(text):
        return "name"
    if reference_ids(text) or CODE.search(text):
        return "id"
    if PLACEHOLDER.search(text):
        return "personal_data"
    for entity in emails(text) + phones(text) + urls(text):
        personal = entity.key in customer_contacts or _owned_mailbox(entity)
        if personal:
            return entity.kind
    if find_structured(text, frozenset({"IBAN", "CREDIT_CARD", "SSN", "NATIONAL_ID"})):
        return "personal_data"
    if any(amount_key(a) in customer_amounts for a in AMOUNT.findall(text)):
        return "amount"
    if CASE_DETAIL.search(text):
        return "case_detail"
    return None


def _owned_mailbox(entity: Entity) -> bool:
    """``jane.doe@…`` belongs to a person; ``support@…`` to the company."""
    if entity.kind != "email":
        return False
    local = entity.text.split("@")[0].lower()
    return local not in ROLE_MAILBOXES and bool(re.fullmatch(r"[a-z]+[._][a-z]+\d*", local))
