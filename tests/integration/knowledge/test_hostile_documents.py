"""Poisoned knowledge never reaches a customer: the hostile-document suite through the
real pipeline (ingest, retrieval, extractive answer, output guard)."""

from __future__ import annotations

from pathlib import Path

from frontdesk.runtime import Frontdesk
from frontdesk.testing.hostile import run_suite

SUITE = Path(__file__).resolve().parents[2] / "data" / "hostile"


def test_no_hostile_string_is_relayed_and_planted_instructions_are_quarantined(
    frontdesk: Frontdesk, acme
) -> None:
    result = run_suite(frontdesk, acme.id, SUITE)

    relayed = {case.id: case.relayed for case in result.cases if case.relayed}
    assert relayed == {}, [c.reply for c in result.cases if c.relayed]
    held = {chunk["document_uri"] for chunk in result.quarantine}
    for case in result.cases:
        if case.attack == "planted_instruction":
            assert case.quarantined == 1, case.id
            assert f"hostile/planted-instruction.{case.format}" in held
        if case.attack == "hidden_text":
            assert case.stripped > 0, case.id
            assert case.quarantined == 0, case.id
        if case.attack == "zero_width_bidi":
            assert case.stripped > 0, case.id
            assert case.quarantined == 1, case.id
    assert all(chunk["reason"] and chunk["chunk_id"] for chunk in result.quarantine)
    assert not any(uri.startswith("hostile/legit") for uri in held)
    assert all(legit.answered for legit in result.legit), result.legit
    # The fake contact details sit in servable chunks: the output guard removes them.
    contacts = [c for c in result.cases if c.attack == "fake_contacts"]
    assert all(c.quarantined == 0 for c in contacts)
    assert any("contact_not_allowed" in c.guard_flags for c in contacts)
