"""The category hop: a member named in a question, the category its answer is filed under."""

from __future__ import annotations

from frontdesk.pipeline.stages.category_hop import (
    asks_for_category_fact,
    candidate_words,
    english_country_names,
    find_membership,
    rows_without,
)
from frontdesk.pipeline.stages.sentences import units
from frontdesk.pipeline.state import Passage

ZONES = (
    "| Zone | Destinations | Customs |\n|---|---|---|\n"
    "| Zone 1 \u2013 Domestic | Germany | No |\n"
    "| Zone 2 \u2013 Neighbours | Austria, Belgium, France | No |\n"
    "| Zone 3 \u2013 Rest of EU | All other EU member states, e.g. Italy, Spain, Greece | No |\n"
)


def _passage(text: str, chunk_id: str = "c1") -> Passage:
    return Passage(chunk_id=chunk_id, title="Zones", text=text, score=1.0)


def test_a_named_member_of_a_listed_category_hops_to_the_category() -> None:
    hop = find_membership(["cost", "austria"], [_passage("Prices by zone."), _passage(ZONES, "z")])
    assert hop is not None
    assert (hop.member, hop.label, hop.chunk_id) == ("austria", "Zone 2", "z")
    # after "e.g.", and the category's name without its description
    italy = find_membership(["italy"], [_passage(ZONES)])
    assert italy is not None
    assert italy.label == "Zone 3"


def test_ordinary_words_and_short_lists_never_hop() -> None:
    # "no" and "other" appear in the table, but not as a listed, capitalised name
    assert find_membership(["other", "states", "germany"], [_passage(ZONES)]) is None
    two = "| Plan | Includes |\n|---|---|\n| Plus | Labels, Pickups |\n"
    assert find_membership(["labels"], [_passage(two)]) is None
    prose = "We ship to Austria, Belgium and France within 3 days."
    assert find_membership(["austria"], [_passage(prose)]) is None


def test_only_amount_and_time_questions_hop() -> None:
    assert asks_for_category_fact("what does it cost to send 4 kg to austria")
    assert asks_for_category_fact("how long does delivery to italy take")
    assert not asks_for_category_fact("can i send batteries to france")


def test_candidate_words_are_content_words_without_digits() -> None:
    assert candidate_words("how much to send 3kg to France?") == ["much", "send", "france"]


def test_rows_without_a_name_are_left_out_only_when_some_row_names_it() -> None:
    rows = [
        "Zone 2 \u2013 Neighbours: Standard 2\u20134 days.",
        "Zone 3 \u2013 Rest of EU: Standard 3\u20136 days.",
    ]
    assert rows_without("Zone 3", rows) == {0}
    columns = ["Max. weight 2 kg: Zone 2 €12.99, Zone 3 €15.99."]
    assert rows_without("Zone 3", columns) == set()  # a column: every row answers


def test_a_cell_that_repeats_its_heading_names_it_once() -> None:
    (row,) = [
        u.text for u in units("| Zone | Destinations |\n|---|---|\n| Zone 2 \u2013 A | B, C |")
    ]
    assert row == "Zone 2 \u2013 A: Destinations B, C."


def test_a_country_written_otherwise_is_looked_up_by_its_other_names() -> None:
    zones = (
        ZONES
        + "| Zone 4 \u2013 Europe | United Kingdom, Switzerland, Norway, Netherlands | Yes |\n"
    )
    for question, member in (
        ("how much to send a parcel to the UK?", "united kingdom"),
        ("price to holland", "netherlands"),
    ):
        hop = find_membership(candidate_words(question), [_passage(zones, "z")])
        assert hop is not None, question
        assert (hop.member, hop.label) == (member, "Zone 4")
    assert "usa" in candidate_words("how long to the US?")
    assert "usa" not in candidate_words("can you send it to us")  # a pronoun, not a country


def test_a_country_named_in_another_language_is_looked_up_by_its_english_name() -> None:
    assert english_country_names("Wie viel kostet ein Paket nach Österreich?") == ["austria"]
    assert english_country_names("un paquete a estados unidos") == ["united states"]
    assert "usa" in candidate_words("cuánto cuesta un paquete a estados unidos")
    assert english_country_names("how much to austria") == []  # English names are words
    assert asks_for_category_fact("Combien coûte un colis pour la Belgique ?")
    assert not asks_for_category_fact("Comment supprimer mon compte ?")
