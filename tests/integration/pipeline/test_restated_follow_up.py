"""Follow-ups that swap one part of the earlier question, and questions that name one row
of a table, through the real pipeline of the default release (real embedder and
database): "and to France?" after a price question about Germany is answered with
France's price, "what about 10kg?" with the 10 kg price, "do you ship to Australia?" with
the row naming Australia rather than the whole table."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.pipeline.conftest import Compose

pytestmark = pytest.mark.slow

ZONES = """# Shipping zones
<!-- url: https://help.example.com/zones -->

Prices and delivery times depend on the destination zone.

| Zone | Destinations | Customs declaration |
|---|---|---|
| Zone 1 - Domestic | Germany | No |
| Zone 2 - Neighbours | Austria, Belgium, Denmark, France, Netherlands, Poland | No |
| Zone 3 - Rest of EU | Italy, Spain, Sweden, Ireland, Portugal, Greece | No |
| Zone 5 - Rest of the world | USA, Canada, Australia, Japan, Turkey | Yes |
"""
PRICES = """# Parcel prices
<!-- url: https://help.example.com/prices -->

## Prices within Germany

| Size | Max. weight | Price |
|---|---|---|
| Small | 2 kg | €4.49 |
| Medium | 5 kg | €5.99 |
| Large | 10 kg | €8.99 |

## International prices

| Max. weight | Zone 2 | Zone 3 | Zone 5 |
|---|---|---|---|
| 2 kg | €12.99 | €14.99 | €34.99 |
| 5 kg | €17.99 | €19.99 | €49.99 |
| 10 kg | €24.99 | €29.99 | €69.99 |
"""
TRACKING = """# Track a parcel
<!-- url: https://help.example.com/tracking -->

Enter the tracking number on the tracking page to see where your parcel is.
"""


@pytest.fixture
def helpcenter(ingest_helpcenter: Callable[[dict[str, str]], str]) -> str:
    return ingest_helpcenter({"zones.md": ZONES, "prices.md": PRICES, "tracking.md": TRACKING})


def test_and_to_france_is_the_price_question_about_france(
    composed: Compose, helpcenter: str
) -> None:
    state = composed(helpcenter, "and to France?", ["how much is a 2 kg parcel to Germany?"])
    assert state.asked == "how much is a 2 kg parcel to France?"
    assert "€12.99" in state.answer, state.answer  # Zone 2, 2 kg
    assert "€4.49" not in state.answer, state.answer  # not Germany's price again


def test_a_swapped_weight_is_priced_for_that_weight(composed: Compose, helpcenter: str) -> None:
    state = composed(helpcenter, "what about 10kg?", ["how much is a 2 kg parcel to Germany?"])
    assert state.asked == "how much is a 10kg parcel to Germany?"
    assert "€8.99" in state.answer, state.answer


def test_a_follow_up_of_its_own_is_not_restated(composed: Compose, helpcenter: str) -> None:
    state = composed(helpcenter, "how do I track it?", ["how much is a 2 kg parcel to Germany?"])
    assert state.question == ""
    assert state.asked == "how do I track it?"


def test_the_row_naming_the_country_answers_not_the_table(
    composed: Compose, helpcenter: str
) -> None:
    state = composed(helpcenter, "Do you ship to Australia?")
    assert "Zone 5 - Rest of the world" in state.answer, state.answer
    for other in ("Zone 1 - Domestic", "Zone 2 - Neighbours", "Zone 3 - Rest of EU"):
        assert other not in state.answer, state.answer


def test_a_country_written_otherwise_is_priced_by_its_zone(
    composed: Compose, helpcenter: str
) -> None:
    state = composed(helpcenter, "what does it cost to ship 5 kg to holland")
    assert "€17.99" in state.answer, state.answer  # Zone 2, 5 kg
    assert "Zone 1 - Domestic" not in state.answer, state.answer
