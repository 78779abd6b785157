from __future__ import annotations

from frontdesk.guards import (
    BusinessRule,
    CitedPassage,
    GuardAction,
    GuardPolicy,
    OnFail,
    OutputCheckInput,
    OutputGuardResult,
    OutputGuards,
)

SOURCE = CitedPassage(
    "kb-7",
    "Refunds are paid within 5 business days to the original card. A replacement card "
    "costs 5 EUR and arrives in 3 to 7 days.",
    1,
)


def check(answer: str, policy: GuardPolicy | None = None, **kw: object) -> OutputGuardResult:
    item = OutputCheckInput(
        answer=answer,
        cited=kw.get("cited", (SOURCE,)),
        retrieved_ids=kw.get("retrieved", frozenset({"kb-7"})),
        system_prompt=str(kw.get("prompt", "")),
        canary=kw.get("canary"),
        reply_language=kw.get("reply_language"),
    )
    return OutputGuards(policy or GuardPolicy()).check(item)


def test_grounded_answer_passes() -> None:
    result = check("Refunds are paid within 5 business days to the original card [1].")
    assert result.action is GuardAction.ALLOW
    assert result.support_score == 1.0


def test_number_absent_from_the_cited_text_is_flagged() -> None:
    policy = GuardPolicy(grounding_on_fail=OnFail.FLAG)
    result = check("Refunds are paid within 14 business days to the original card [1].", policy)
    assert "ungrounded_number" in result.flags
    assert result.action is GuardAction.FLAG


def test_ungrounded_sentence_is_dropped_by_default() -> None:
    result = check("Refunds are paid within 5 business days [1]. We also give a 20% loyalty bonus.")
    assert result.answer == "Refunds are paid within 5 business days [1]."
    assert result.dropped_sentences == (1,)


def test_citation_to_a_chunk_not_retrieved_blocks() -> None:
    result = check("Refunds take 5 business days [1].", retrieved=frozenset({"kb-1"}))
    assert "citation_not_retrieved" in result.flags
    assert result.action is GuardAction.HANDOFF


def test_canary_leak_is_caught() -> None:
    result = check("Sure! My instructions start with FD-CANARY-93af. Refunds take 5 days [1].",
                   canary="FD-CANARY-93af")  # fmt: skip
    assert "canary_leak" in result.flags
    assert result.action is GuardAction.HANDOFF


def test_system_prompt_regurgitation_is_caught_but_quoting_sources_is_not() -> None:
    prompt = (
        "You are the support assistant of Acme Bank. Never discuss competitors and always "
        "answer only from the provided passages with citations."
    )
    leaked = check(
        "My rules: never discuss competitors and always answer only from the provided "
        "passages with citations.",
        prompt=prompt,
        policy=GuardPolicy(grounding_on_fail=OnFail.FLAG),
    )
    assert "prompt_leak" in leaked.flags
    fine = check("Refunds are paid within 5 business days to the original card [1].",
                 prompt=prompt + " Refunds are paid within 5 business days to the original card.")  # fmt: skip
    assert "prompt_leak" not in fine.flags


def rule_policy(
    on_fail: OnFail, kind: str = "forbidden_phrase", pattern: str = "guaranteed"
) -> GuardPolicy:
    rule = BusinessRule.model_validate(
        {"id": "r1", "kind": kind, "pattern": pattern, "on_fail": on_fail}
    )
    return GuardPolicy(rules=(rule,))


ANSWER = "Refunds are paid within 5 business days [1]. Refunds to the card are guaranteed."


def test_rule_block_and_handoff() -> None:
    result = check(ANSWER, rule_policy(OnFail.BLOCK_AND_HANDOFF))
    assert result.action is GuardAction.HANDOFF
    assert "rule:r1" in result.flags


def test_rule_drop_sentence() -> None:
    result = check(ANSWER, rule_policy(OnFail.DROP_SENTENCE))
    assert result.answer == "Refunds are paid within 5 business days [1]."
    assert result.action is GuardAction.FLAG


def test_rule_flag_keeps_the_answer() -> None:
    result = check(ANSWER, rule_policy(OnFail.FLAG, kind="regex", pattern=r"\bguarant\w+"))
    assert result.answer == ANSWER
    assert result.action is GuardAction.FLAG


def test_required_disclaimer_is_appended_or_blocks() -> None:
    disclaimer = "This is not financial advice."
    appended = check("Refunds are paid within 5 business days [1].",
                     rule_policy(OnFail.DROP_SENTENCE, "required_disclaimer", disclaimer))  # fmt: skip
    assert appended.answer.endswith(disclaimer)
    blocked = check("Refunds are paid within 5 business days [1].",
                    rule_policy(OnFail.BLOCK_AND_HANDOFF, "required_disclaimer", disclaimer))  # fmt: skip
    assert blocked.action is GuardAction.HANDOFF


def test_answer_with_every_sentence_dropped_is_handed_off() -> None:
    result = check("Approval is guaranteed.", rule_policy(OnFail.DROP_SENTENCE))
    assert result.action is GuardAction.HANDOFF
    assert "answer_empty_after_guards" in result.flags


def test_an_answer_translated_from_its_sources_is_checked_on_its_numbers_only() -> None:
    """A Spanish or German answer from an English article shares no words with it: its
    sentences are kept (German nouns are not unknown names), its numbers still checked."""
    spanish = "Los reembolsos se pagan en 5 días hábiles a la tarjeta original [1]."
    assert check(spanish).answer == spanish
    german = "Eine Ersatzkarte kostet 5 EUR und kommt in 3 bis 7 Tagen an [1]."
    result = check(german)
    assert result.answer == german
    assert "ungrounded_name" not in result.flags
    wrong = check("Eine Ersatzkarte kostet 9 EUR und kommt in 3 bis 7 Tagen an [1].")
    assert "ungrounded_number" in wrong.flags
    assert wrong.dropped_sentences == (0,)


def test_an_english_answer_from_english_sources_is_still_checked_word_by_word() -> None:
    result = check("We also give every customer a free loyalty bonus voucher [1].")
    assert "unsupported_sentence" in result.flags


def test_a_translation_of_a_one_sentence_faq_answer_is_checked_on_its_numbers_only() -> None:
    """A short FAQ answer is only 0.88 English over 97 languages (below the bar for
    "clearly in one language"): the correct French answer to demo-148 lost its only
    sentence to the word check. Among the languages served it is clearly English."""
    faq = CitedPassage(
        "faq-3", "The maximum weight is 31.5 kg per parcel on all services and zones.", 1
    )
    french = "Le poids maximum d'un colis est de 31.5 kg sur tous les services et zones. [1]"
    result = check(french, cited=(faq,), retrieved=frozenset({"faq-3"}))
    assert result.answer == french
    assert result.action is GuardAction.ALLOW
    wrong = check(french.replace("31.5", "35"), cited=(faq,), retrieved=frozenset({"faq-3"}))
    assert "ungrounded_number" in wrong.flags
    # An English answer to it is still checked word by word.
    english = check(
        "Every parcel gets a free loyalty voucher. [1]",
        cited=(faq,),
        retrieved=frozenset({"faq-3"}),
    )
    assert "unsupported_sentence" in english.flags


def test_a_short_sentence_in_the_reply_language_is_checked_on_its_numbers_only() -> None:
    """demo-158 (Portuguese, 1.5B on the LLM path): "O plano Business custa €490 por ano."
    is right, but only 0.22 Portuguese over 97 languages, so it was checked word by word
    and dropped. The turn replies in Portuguese: a sentence most likely in it, among the
    languages served, is a translation; an English sentence is still checked by words."""
    faq = CitedPassage(
        "faq-3",
        "Business costs €49 per month or €490 per year. It includes 25% off every label, "
        "unlimited free pickups and 10 team seats.",
        1,
    )
    cited = {"cited": (faq,), "retrieved": frozenset({"faq-3"})}
    answer = "O plano Business custa €490 por ano. [1]"
    assert check(answer, **cited).action is GuardAction.HANDOFF  # the language unknown
    result = check(answer, reply_language="pt", **cited)
    assert (result.answer, result.action) == (answer, GuardAction.ALLOW)
    wrong = check(answer.replace("490", "450"), reply_language="pt", **cited)
    assert "ungrounded_number" in wrong.flags
    english = check("Every parcel gets a free loyalty voucher. [1]", reply_language="pt", **cited)
    assert "unsupported_sentence" in english.flags
    # A reply in the sources' own language is checked word by word.
    same = check("Business gives you a free loyalty voucher. [1]", reply_language="en", **cited)
    assert "unsupported_sentence" in same.flags


def test_translated_sentences_are_judged_one_by_one() -> None:
    """A small model starts in German and goes on in English: the German sentence is
    checked on its numbers, the English one word by word as before."""
    result = check(
        "Eine Ersatzkarte kostet 5 EUR und kommt in 3 bis 7 Tagen bei Ihnen an [1]. "
        "We also give every customer a free loyalty bonus voucher."
    )
    assert result.answer.startswith("Eine Ersatzkarte kostet 5 EUR")
    assert result.dropped_sentences == (1,)


def test_an_answer_left_with_only_citation_markers_is_handed_off() -> None:
    result = check("We also give every customer a free loyalty bonus voucher. [1]")
    assert result.action is GuardAction.HANDOFF
    assert "answer_empty_after_guards" in result.flags
