"""Names and addresses as Spanish, Italian, Dutch and Portuguese customers write them
(the dev2 split's kinds of message), and English text left as it was."""

from __future__ import annotations

import pytest

from frontdesk.guards.pii.address_eu import find_european_addresses
from frontdesk.guards.pii.names_eu import find_named_people, name_words
from frontdesk.guards.pii.patterns import find_structured
from frontdesk.guards.types import PiiSpan


def _names(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_named_people(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("En nombre de mi madre, Sonia Sanjuan, pido cambiar la dirección", "Sonia Sanjuan"),
        ("Ho parlato ieri con la vostra collega Rita Maia ma niente", "Rita Maia"),
        ("De bestelling staat op naam van mijn man, Colin van Laon.", "Colin van Laon"),
        ("Liguem para o 912 e perguntem pelo Renato.", "Renato"),
        ("salve sono Marcella Barozzi, il prodotto è arrivato rotto", "Marcella Barozzi"),
        ("hoi dit is Anne Huijzing, waar blijft mijn pakket", "Anne Huijzing"),
        ("Silke weer, het geld staat nog niet terug", "Silke"),
        ("Consegnate a Strada Lara, 1, citofono Ossani.", "Ossani"),
    ],
)
def test_a_cue_of_the_language_names_the_person(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "My colleague Sam said the parcel was late",  # English: no cue of these languages
        "Il mio cellulare è rotto",
        "Pakket weer niet aangekomen",  # "weer" needs a comma: a noun may open the text
    ],
)
def test_no_name_without_a_cue(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Il mio cellulare è 037318788", None),
        ("Gracias de antemano,\nEmelina", None),
        ("vraag naar Noud.", "Noud"),
        ("I'm Quarto Angelo, from Križe", "Quarto Angelo"),
        ("Keira E. Forster called", "Keira E. Forster"),
        ("Herr van der Dussen hat", "van der Dussen"),
    ],
)
def test_a_person_span_keeps_its_name_words(text: str, kept: str | None) -> None:
    words = {"Il mio": "Il mio", "Gracias": "Gracias de antemano", "vraag": "naar Noud"}
    surface = next((v for k, v in words.items() if text.startswith(k)), kept or "")
    start = text.index(surface)
    span = name_words(text, PiiSpan(start, start + len(surface), "PERSON", 0.8, "ner"), set())
    assert (text[span.start : span.end] if span else None) == kept


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "abito in Rotonda Asprucci, 238 Piano 2, 62024 Lentini ma",
            "Rotonda Asprucci, 238 Piano 2, 62024 Lentini",
        ),
        (
            "Enviar para: Teresa, Alameda Silva, S/N, 3900-400 Sintra",
            "Alameda Silva, S/N, 3900-400 Sintra",
        ),
        ("nieuw adres: Noorbaan 0, 5071AZ Kudelstaart", "Noorbaan 0, 5071AZ Kudelstaart"),
        (
            "adres is Maaikelaan 25, 9793 YT Egmond aan den Hoef, het",
            "Maaikelaan 25, 9793 YT Egmond aan den Hoef",
        ),
        ("a C. Omar Carnero 69, 15147 Álava.", "C. Omar Carnero 69, 15147 Álava"),
    ],
)
def test_street_first_addresses_of_the_dev2_kinds(text: str, address: str) -> None:
    assert [text[s.start : s.end] for s in find_european_addresses(text)] == [address]


def test_a_bare_number_is_a_phone_only_after_a_call_word() -> None:
    def phones(text: str) -> list[str]:
        return [text[s.start : s.end] for s in find_structured(text, frozenset({"PHONE"}))]

    assert phones("Potete richiamarmi al 33344581433?") == ["33344581433"]
    assert phones("my order number 123456789 is late") == []
