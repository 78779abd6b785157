from __future__ import annotations

from frontdesk.guards.pii.listed_names import ListedNames, name_key, person_like

ENGLISH = frozenset({"will", "grant", "rose", "plumbing", "studio", "receipt"})


def found(names: list[str], text: str) -> list[str]:
    listed = ListedNames.build(names, ENGLISH)
    return sorted(text[s.start : s.end] for s in listed.find(text))


def test_full_names_match_in_any_case_and_spacing() -> None:
    assert found(["Aino Rintanen"], "AINO  RINTANEN wrote; aino rintanen too") == [
        "AINO  RINTANEN",
        "aino rintanen",
    ]


def test_single_words_match_only_where_they_look_like_a_name() -> None:
    names = ["Aino Rintanen"]
    assert found(names, "Rintanen here again") == ["Rintanen"]
    assert found(names, "the rintanen file, Rintanen said") == ["Rintanen"]
    assert found(names, "this is rintanen") == ["rintanen"]  # an all-lowercase text
    assert found(names, "Rintanenkatu 5") == []  # whole words only


def test_english_words_of_a_name_match_only_inside_it() -> None:
    names = ["Will Grant", "Rose"]
    assert found(names, "Will the grant cover it? Rose said yes.") == []
    assert found(names, "will grant wrote") == ["will grant"]
    assert not ListedNames.build([], ENGLISH)


def test_what_a_ticket_may_teach_looks_like_a_person() -> None:
    assert person_like("Aino Rintanen", ENGLISH)
    assert person_like("Rose", ENGLISH)
    assert not person_like("Receipt GC-778812", ENGLISH)
    assert not person_like("Brennan Plumbing", ENGLISH)
    assert not person_like("Müller GmbH", ENGLISH)
    assert not person_like("Harbour Café", ENGLISH)
    assert person_like("Tom Grant", ENGLISH, surnames={"grant"})
    assert name_key("  Aino   Rintanen ") == "aino rintanen"


def test_a_short_name_alone_in_lowercase_text_is_a_word() -> None:
    # found using the demo: a customer "Max Mustermann" made "what's the max size" a name
    names = ["Max Mustermann"]
    assert found(names, "what's the max size of a parcel") == []
    assert found(names, "max mustermann here") == ["max mustermann"]
    assert found(names, "Max wrote again") == ["Max"]  # title case still looks like a name
