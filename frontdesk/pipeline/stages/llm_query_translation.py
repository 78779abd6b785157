"""Context with an LLM: a question in another language searched in the help center's.

Release type ``llm_query_translator``, placed after the context stage; params::

    {"providers": [<provider dicts, as for llm_generator>], "max_tokens": 48,
     "deadline_s": 10.0}

A message in the help center's language (the tenant's first language) never reaches the
model. Any other is translated into it: the knowledge base is then searched with the
keyword index and the embedder made for that language, and the rest of the pipeline
(sentence choice, the decide stage's signals, the existence checks) reads the question
in the language of its passages. The reply language is unchanged, and the LLM generator
is shown the customer's own question (``TurnState.customer_question``): given the
translation, the 1.5B answered in English. With the retriever's ``fuse_untranslated`` the
question as written is searched too (see ``KnowledgeRetriever``). On the demo's non-English
rows the translation alone found the passage the multilingual index ranked fifth or missed
(the support phone, a label's validity) but lost two a loose translation misled ("move" a
parcel for "redirect"); fused, 15 of 16 were answered right (bench/multilingual_llm.py).

A follow-up's earlier turns, which the context stage appends to the query, stay as they
are. When no provider gives a usable translation (flag ``translate_failed``), the turn
goes on as without this stage: the multilingual index, in the customer's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frontdesk.llm.assist import LlmAssistant
from frontdesk.llm.breaker import BreakerBoard
from frontdesk.llm.local_pool import LocalModelPool
from frontdesk.llm.translate import parse_question_translation, question_translation_messages
from frontdesk.pipeline.language import served_languages
from frontdesk.pipeline.protocols import StageReport
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.text import estimate_tokens, without_placeholders


@dataclass
class LlmQueryTranslator:
    name: str
    assistant: LlmAssistant

    @classmethod
    def from_params(
        cls,
        name: str,
        params: dict[str, Any],
        *,
        breakers: BreakerBoard,
        local_models: LocalModelPool | None = None,
    ) -> LlmQueryTranslator:
        values = dict(params)
        assistant = LlmAssistant.from_params(
            values, breakers=breakers, local_models=local_models, max_tokens=48, deadline_s=10.0
        )
        if values:
            raise ValueError(f"unknown params for {name}: {', '.join(sorted(values))}")
        return cls(name, assistant)

    def warm_up(self) -> None:
        self.assistant.warm_up()

    def close(self) -> None:
        self.assistant.close()

    def run(self, state: TurnState) -> StageReport:
        target = served_languages(state.tenant_languages)[0]
        if state.language is None or state.language == target:
            return StageReport(detail={"translated": False})
        if state.llm_budget_exhausted:
            return StageReport(flags=["llm_budget_exhausted"], detail={"translated": False})
        asked = without_placeholders(state.asked).strip()
        assisted = self.assistant.ask(
            question_translation_messages(asked, target),
            lambda reply: parse_question_translation(reply, asked),
        )
        if assisted.value is None:
            return StageReport(
                scores=assisted.scores(),
                flags=[*assisted.flags, "translate_failed"],
                detail={"translated": False, **assisted.record()},
            )
        translation = assisted.value
        # the query's first line is the message (or its restatement); later lines are the
        # earlier turns a follow-up is searched with
        earlier = state.query.split("\n")[1:] if state.query else []
        state.translated_from = state.asked
        state.question = translation
        state.query = "\n".join([translation, *earlier])
        state.question_language = target
        return StageReport(
            scores={"query_tokens": float(estimate_tokens(state.query)), **assisted.scores()},
            detail={
                "translated": True,
                "from": state.language,
                "to": target,
                "question": translation,
                **assisted.record(),
            },
        )
