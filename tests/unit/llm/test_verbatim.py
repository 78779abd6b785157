"""Menu paths and phone numbers found, hidden as placeholders and put back."""

from __future__ import annotations

from frontdesk.llm.verbatim import Verbatim


def test_a_path_ends_where_the_sentence_goes_on() -> None:
    found = Verbatim.of(
        [
            "Go to Settings > Account and select Delete account.",
            "Open **Settings > Security > Two-factor authentication** and select Set up.",
            "Use Settings > Billing > Parcelly credit > Pay out before you delete it.",
            "Prices: 5 > 3 and a > b are not menus.",
        ]
    )
    assert found.items == (
        ("menu1", "Settings > Account"),
        ("menu2", "Settings > Security > Two-factor authentication"),
        ("menu3", "Settings > Billing > Parcelly credit > Pay out"),
    )


def test_international_phone_numbers_but_not_dates_or_amounts() -> None:
    found = Verbatim.of(
        [
            "Call +49 30 5550 1420 (Mon-Fri 08:00-20:00) or +1 (555) 010-0199; since "
            "2026-12-07 it costs €2,500 or 1 234 567 EUR."
        ]
    )
    assert found.items == (("phone1", "+49 30 5550 1420"), ("phone2", "+1 (555) 010-0199"))


def test_placeholders_round_trip_and_a_longer_path_is_not_cut() -> None:
    text = "First Settings > Security, then Settings > Security > Backup codes, +49 30 5550 1420."
    verbatim = Verbatim.of([text])
    hidden = verbatim.protect(text)
    assert hidden == "First {menu1}, then {menu2}, {phone1}."
    assert verbatim.restore(hidden) == text
    assert verbatim.restore("Öffne `{menu2}` oder { menu1 }; Tel. {phone1}.") == (
        "Öffne Settings > Security > Backup codes oder Settings > Security; Tel. +49 30 5550 1420."
    )


def test_a_placeholder_the_model_made_up_is_dropped() -> None:
    assert Verbatim().restore("La livraison coûte {menu1} €7.00. [1]") == (
        "La livraison coûte €7.00. [1]"
    )
