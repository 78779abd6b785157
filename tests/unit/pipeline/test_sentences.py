"""Answer units: a sentence announcing a list carries the list it announces."""

from __future__ import annotations

from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.stages.sentences import MAX_ITEMS, Unit, units
from frontdesk.pipeline.state import Passage, TurnState

DECLINED = (
    "If your payment is declined, no label is created. Common reasons:\n\n"
    "- The card has expired.\n- Your bank blocked the payment.\n\n"
    "Try again or contact your bank."
)


def test_a_sentence_ending_in_a_colon_is_joined_with_its_list() -> None:
    got = units(DECLINED)
    assert got == [
        Unit("If your payment is declined, no label is created."),
        Unit("Common reasons:\n- The card has expired.\n- Your bank blocked the payment."),
        Unit("Try again or contact your bank."),
    ]


def test_a_list_announced_below_but_chunked_elsewhere_is_dangling() -> None:
    got = units("You can pay with the payment methods below. All payments are in euros.")
    assert got == [
        Unit("You can pay with the payment methods below.", dangling=True),
        Unit("All payments are in euros."),
    ]


def test_table_rows_follow_the_sentence_that_announces_them() -> None:
    text = "Prices for the sizes below:\n\n| Size | Price |\n|---|---|\n| S | €4 |\n| L | €9 |"
    assert units(text) == [
        Unit("Prices for the sizes below:\n- Size S: Price €4.\n- Size L: Price €9.")
    ]


def test_a_table_row_names_its_cells_by_the_header_and_stays_one_unit() -> None:
    # "Max. weight" must not end a sentence, and "2 kg · €12.99" alone means nothing.
    text = (
        "| Max. weight | Zone 2 | Zone 5 |\n|---|---|---|\n"
        "| 2 kg | €12.99 | €34.99 |\n| 5 kg | €17.99 | €49.99 |"
    )
    assert units(text) == [
        Unit("Max. weight 2 kg: Zone 2 €12.99, Zone 5 €34.99.", row=True),
        Unit("Max. weight 5 kg: Zone 2 €17.99, Zone 5 €49.99.", row=True),
    ]


def test_a_table_read_for_one_column_keeps_only_that_column() -> None:
    # The customer's destination is in Zone 5: the other zones' prices are noise.
    text = (
        "| Max. weight | Zone 2 | Zone 5 |\n|---|---|---|\n"
        "| 2 kg | €12.99 | €34.99 |\n| 5 kg | €17.99 | €49.99 |"
    )
    assert units(text, column="zone 5") == [
        Unit("Max. weight 2 kg: Zone 5 €34.99.", row=True),
        Unit("Max. weight 5 kg: Zone 5 €49.99.", row=True),
    ]
    # A table without such a column, and the first column, are read whole.
    assert units(text, column="Zone 3") == units(text)
    assert units(text, column="Max. weight") == units(text)


def test_rows_of_a_table_chunked_without_its_header_keep_their_cells() -> None:
    assert units("| 10 kg | €24.99 | €69.99 |") == [Unit("10 kg · €24.99 · €69.99.", row=True)]


def test_plain_lists_and_comments() -> None:
    text = "<!-- url: https://x.example/a -->\n\n1. Open Settings. Then select Billing.\n2. Pay."
    assert [u.text for u in units(text)] == ["Open Settings.", "Then select Billing.", "Pay."]


def test_a_long_list_is_cut() -> None:
    items = "\n".join(f"- item {n}" for n in range(MAX_ITEMS + 3))
    (unit,) = units(f"These apply:\n{items}")
    assert unit.text.count("\n- ") == MAX_ITEMS


def test_the_reply_carries_the_announced_list() -> None:
    state = TurnState(tenant_id="t", conversation_id="c", text="why was my payment declined")
    state.query = state.text
    state.passages = [Passage(chunk_id="c1", title="Failed payments", text=DECLINED, score=1.0)]
    ExtractiveGenerator(name="generate", max_sentences=2).run(state)
    assert "Common reasons:\n- The card has expired.\n- Your bank blocked the payment." in (
        state.answer
    )


def test_a_dangling_sentence_gives_way_when_penalised() -> None:
    text = "You can pay for labels with the methods below. Labels are paid in euros."
    passage = Passage(chunk_id="c1", title="Pay", text=text, score=1.0)
    state = TurnState(tenant_id="t", conversation_id="c", text="how can I pay for labels")
    state.query = state.text
    state.passages = [passage]
    ExtractiveGenerator(name="generate", max_sentences=1, dangling_penalty=1.0).run(state)
    assert state.answer == "Labels are paid in euros. [1]"


def test_a_quoted_message_stays_whole_with_its_quotation_marks() -> None:
    text = (
        "After 5 failed attempts, sign-in is locked for 15 minutes. You see the message "
        '"Too many attempts. Try again in 15 minutes." A password reset removes the lock.'
    )
    assert [u.text for u in units(text)] == [
        "After 5 failed attempts, sign-in is locked for 15 minutes.",
        'You see the message "Too many attempts. Try again in 15 minutes."',
        "A password reset removes the lock.",
    ]
