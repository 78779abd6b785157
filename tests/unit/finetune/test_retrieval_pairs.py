"""The held-out split of ``knowledge adapt``: by question, fixed by the seed, and FAQ
questions (their passage's own title) kept for training while other pairs can be held out."""

from __future__ import annotations

from frontdesk.finetune.retrieval_pairs import MIN_HELDOUT, Pair, split_pairs


def _pairs(faq: int, tickets: int) -> list[Pair]:
    found = [Pair(f"faq question {i}?", f"faq-{i}", "faq") for i in range(faq)]
    found += [
        Pair(f"ticket message {i}", f"article-{i % 3}", "ticket_reply") for i in range(tickets)
    ]
    return found


def test_the_split_is_by_question_and_the_same_for_the_same_seed() -> None:
    pairs = [*_pairs(12, 10), Pair("ticket message 1", "article-2", "thumbs")]
    train, heldout = split_pairs(pairs, seed=0)
    assert {p.question for p in train}.isdisjoint({p.question for p in heldout})
    assert len(train) + len(heldout) == len(pairs)
    assert split_pairs(pairs, seed=0) == (train, heldout)
    assert split_pairs(pairs, seed=1) != (train, heldout)
    # Both pairs of the question asked twice go to the same side.
    both = [p for p in pairs if p.question == "ticket message 1"]
    assert all(p in heldout for p in both) or all(p in train for p in both)


def test_faq_questions_train_while_other_pairs_can_be_held_out() -> None:
    train, heldout = split_pairs(_pairs(12, 10), seed=0)
    assert heldout
    assert all(p.source == "ticket_reply" for p in heldout)
    assert len(heldout) == 3  # 30% of the ten ticket questions
    assert sum(p.source == "faq" for p in train) == 12


def test_an_faq_only_tenant_holds_out_faq_questions() -> None:
    train, heldout = split_pairs(_pairs(12, 1), seed=0)
    assert len({p.question for p in heldout}) >= MIN_HELDOUT
    assert any(p.source == "faq" for p in heldout)
    assert len(train) == 13 - len(heldout)
