"""The generaliser on every resolved ticket shipped with the examples: no draft keeps a
name, e-mail address, id or action claim of the ticket it came from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from frontdesk.guards.output.actions import action_claims
from frontdesk.guards.output.entities import emails, reference_ids
from frontdesk.guards.pii.redactor import PiiRedactor
from frontdesk.handoff.generalise import generalise, redact_example
from frontdesk.handoff.suggestions import cluster, suggestion_id

ROOT = Path(__file__).resolve().parents[3] / "examples"
TICKETS = [
    row
    for name in ("demo-helpcenter", "saas-helpcenter")
    for row in map(json.loads, (ROOT / name / "tickets.jsonl").read_text().splitlines())
]
# Every person (and personal business) named in those tickets, written out by hand so the
# check does not depend on the generaliser's own name finder.
NAMES = """Jane Doe John Smith Max Mustermann Anna Lisa Tom Tester Maria Keller Brennan Priya
Nair Jonas Schulz Lucas Peeters Sofia Rossi Declan Walsh Grace Oduya Felix Müller Henrik
Larsen Elena García Marta Nowak Ahmed Hassan Ben Carter Olivia Bennett Lars Eriksson Niamh
O'Connor Julien Martin Sarah O'Brien Robert Klein Hannah Fischer Pieter Berg""".split()


@pytest.fixture(scope="module")
def finder() -> PiiRedactor:
    redactor = PiiRedactor(ner=True)
    redactor.warm_up()
    return redactor


@pytest.mark.parametrize("ticket", TICKETS, ids=[t["id"] for t in TICKETS])
def test_a_draft_keeps_nothing_personal_of_its_ticket(ticket, finder) -> None:
    customer, reply = ticket["customer_message"], ticket["agent_reply"]
    draft = generalise(customer, reply, finder, subject=ticket["subject"])
    text = f"{draft.question}\n{draft.answer}"
    assert draft.question
    for name in NAMES:
        assert re.search(rf"\b{re.escape(name)}\b", text) is None, name
    # A company mailbox in the reply (security@…) is policy; a person's (first.last@…) is not.
    personal = [e for e in emails(reply) if re.search(r"[._]", e.text.split("@")[0])]
    for entity in emails(customer) + personal:
        assert entity.text.lower() not in text.lower()
    for entity in reference_ids(customer) + reference_ids(reply):
        assert entity.key not in text.upper().replace(" ", "")
    assert action_claims(draft.answer) == []
    assert not re.search(r"(?i)\b(?:i|we)(?:'ve| have) (?:refunded|reset|resent|added)\b", text)
    assert not re.match(r"(?i)(?:hi|hello|dear)\b", draft.answer)


def test_the_policy_survives_and_the_removals_are_counted(finder) -> None:
    ticket = next(t for t in TICKETS if t["id"] == "T-1002")
    draft = generalise(ticket["customer_message"], ticket["agent_reply"], finder)
    assert "Shipments > More > Request refund" in draft.answer
    assert "€8.99" not in draft.answer
    assert "already in your account" not in draft.answer
    assert draft.question.endswith("Can I get the money back?")
    removed = {r.kind: r.count for r in draft.removed}
    assert removed["action_claim"] == 1
    assert removed["greeting"] == 1
    assert "John" not in draft.question


def test_amounts_in_the_customer_question_are_removed(finder) -> None:
    draft = generalise(
        "I paid €99 for a year of Plus 20 days ago. Can I get a refund?",
        "Annual subscriptions can be refunded within 14 days of purchase.",
        finder,
    )
    assert "99" not in draft.question
    assert {r.kind for r in draft.removed} >= {"amount"}
    assert draft.answer == "Annual subscriptions can be refunded within 14 days of purchase."


def test_a_self_introduction_goes_with_the_name(finder) -> None:
    # Found in the console: the draft read "… i want my money back, my name."
    draft = generalise(
        "my parcel is damaged and i want my money back, my name is Tom Becker",
        "Damaged parcels are refunded once the claim is approved.",
        finder,
    )
    assert draft.question == "My parcel is damaged and i want my money back"


def test_redacted_placeholders_in_stored_messages_do_not_reach_the_draft(finder) -> None:
    draft = generalise(
        "My e-mail is <EMAIL>, how do I change my password? <PERSON>",
        "Hi, you can change it under Settings > Security. I sent the link to <EMAIL>.",
        finder,
    )
    assert "<" not in draft.question + draft.answer
    assert draft.answer == "You can change it under Settings > Security."


def test_a_canned_reply_leaves_no_agent_name_or_ticket_id_in_the_draft(finder) -> None:
    """What a canned reply filled in ({{agent_name}}, {{ticket_id}}) is this ticket's."""
    draft = generalise(
        "How do I print a return label?",
        "Hi there, this is demo admin. Open Returns in your account to print a return "
        "label. Your ticket is 65a0f0290397475a86edfd5be070cb5b, if you write again.",
        finder,
        agent_names={"demo admin"},
    )
    assert draft.answer == "Open Returns in your account to print a return label."
    removed = {r.kind: r.count for r in draft.removed}
    assert removed["name"] == 1
    assert removed["id"] == 1
    # Hex-looking words of a policy stay: only long hex strings with digits are ids.
    kept = generalise("Why?", "Use the code field for coffee cafe deals.", finder)
    assert kept.answer == "Use the code field for coffee cafe deals."


def test_examples_show_placeholders_instead_of_personal_data(finder) -> None:
    example = redact_example(
        "Where is PY4820193746DE? \u2013 Jane Doe (jane.doe@example.com)", finder
    )
    assert "PY4820193746DE" not in example
    assert "jane.doe" not in example
    assert "Jane" not in example
    assert "<ID>" in example
    assert "<EMAIL>" in example


def test_clustering_groups_similar_vectors_and_ranks_by_size() -> None:
    a, b, c = np.eye(3, dtype=np.float32)
    near_a = (a * 0.95 + b * 0.05).astype(np.float32)
    vectors = np.stack([b, a, c, near_a, a])
    assert cluster(vectors, join=0.9) == [[1, 3, 4], [0], [2]]
    assert cluster(vectors, join=1.01) == [[0], [1], [2], [3], [4]]


def test_suggestion_ids_are_stable_for_the_same_sources() -> None:
    first = suggestion_id([("ticket", "T-1"), ("question", "q2")])
    assert first == suggestion_id([("question", "q2"), ("ticket", "T-1")])
    assert first != suggestion_id([("ticket", "T-1")])


@pytest.fixture(scope="module")
def service_finder() -> PiiRedactor:
    """The redactor the handoff service gives the suggested-FAQ miner: tickets and
    unanswered questions come without their language."""
    redactor = PiiRedactor(ner=True, detect_language=True)
    redactor.warm_up()
    return redactor


# Questions customers ask in the other chat languages; the English NER took the
# capitalised first word ("Wie", "Comment", "Hoe") or a noun for a person.
OTHER_LANGUAGE_QUESTIONS = [
    "Wie kann ich die Lieferadresse meines Pakets ändern?",
    "Wie viel kostet ein kleines Paket innerhalb Deutschlands?",
    "Comment puis-je supprimer mon compte et mes données?",
    "¿Cómo puedo cambiar la dirección de entrega de mi paquete?",
    "Hoe kan ik het afleveradres van mijn pakket wijzigen?",
    "Come posso cambiare l'indirizzo di consegna del pacco?",
    "Como posso alterar o endereço de entrega da minha encomenda?",
]


@pytest.mark.parametrize("question", OTHER_LANGUAGE_QUESTIONS)
def test_a_question_in_another_language_keeps_its_words_in_examples_and_drafts(
    question: str, service_finder: PiiRedactor
) -> None:
    assert redact_example(question, service_finder) == question
    draft = generalise(question, "", service_finder)
    assert draft.question == question
    assert "name" not in {r.kind for r in draft.removed}


def test_the_language_aware_finder_still_removes_names_from_english_tickets(
    service_finder: PiiRedactor,
) -> None:
    for ticket in TICKETS:
        customer, reply = ticket["customer_message"], ticket["agent_reply"]
        draft = generalise(customer, reply, service_finder, subject=ticket["subject"])
        text = f"{draft.question}\n{draft.answer}"
        for name in NAMES:
            assert re.search(rf"\b{re.escape(name)}\b", text) is None, (ticket["id"], name)
    assert "Jane" not in redact_example("Where is my parcel? \u2013 Jane Doe", service_finder)


def test_a_german_sign_off_name_still_goes_without_the_english_ner(
    service_finder: PiiRedactor,
) -> None:
    draft = generalise(
        "Wie kann ich die Lieferadresse ändern? \u2013 Felix Müller (felix.mueller@example.com)",
        "",
        service_finder,
    )
    assert draft.question == "Wie kann ich die Lieferadresse ändern?"
