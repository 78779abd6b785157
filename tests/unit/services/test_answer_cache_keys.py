"""The exact cache key's text: what may differ between two questions that are the same."""

from __future__ import annotations

from frontdesk.services.answer_cache import normalised


def test_case_spacing_and_one_final_mark_do_not_matter() -> None:
    assert normalised("  How much does   the Plus plan cost? ") == normalised(
        "how much does the plus plan cost"
    )
    assert normalised("Reset my password.") == "reset my password"


def test_what_changes_meaning_or_tone_stays() -> None:
    assert normalised("reset my password!!!") != normalised("reset my password")
    assert normalised("how do I cancel") != normalised("how do I not cancel")
