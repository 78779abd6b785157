"""The built-in components, registered through the ``frontdesk.components`` entry point
exactly as a third-party plugin would register its own."""

from __future__ import annotations

import functools
from typing import Any

from frontdesk.guards import GuardPolicy, InputGuards
from frontdesk.handoff.decide import HandoffDecider
from frontdesk.pipeline.protocols import Stage
from frontdesk.pipeline.stages.context import HistoryCondenser
from frontdesk.pipeline.stages.generate import ExtractiveGenerator
from frontdesk.pipeline.stages.guards import InputGuardStage, OutputGuardStage
from frontdesk.pipeline.stages.intent import IntentRouter
from frontdesk.pipeline.stages.needs_person import NeedsPersonDetector
from frontdesk.pipeline.stages.retrieve import KnowledgeRetriever
from frontdesk.pipeline.stages.smalltalk import SmalltalkRouter
from frontdesk.providers.registry import ComponentRegistry, StageFactory
from frontdesk.providers.resources import Resources
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.storage.repos.tenant_names import list_names
from frontdesk.storage.repos.tenants import get_tenant


def _condenser(name: str, params: dict[str, Any], _res: Resources) -> Stage:
    return HistoryCondenser(name=name, **params)


def _retriever(name: str, params: dict[str, Any], res: Resources) -> Stage:
    options = HybridOptions(**params.pop("hybrid", {}))
    # Non-English questions search a multilingual index; "multilingual": false turns it off.
    knowledge = res.knowledge(options, multilingual=bool(params.pop("multilingual", True)))
    return KnowledgeRetriever(name=name, knowledge=knowledge, **params)


def _extractive(name: str, params: dict[str, Any], res: Resources) -> ExtractiveGenerator:
    embedder = res.embedder() if params.get("semantic_weight", 0.0) > 0 else None
    return ExtractiveGenerator(name=name, embedder=embedder, **params)


def _smalltalk(name: str, params: dict[str, Any], _res: Resources) -> Stage:
    return SmalltalkRouter(name=name, **params)


def _needs_person(name: str, params: dict[str, Any], _res: Resources) -> Stage:
    return NeedsPersonDetector(name=name, **params)


def _decider(name: str, params: dict[str, Any], _res: Resources) -> Stage:
    return HandoffDecider(name=name, **params)


def _input_guards(name: str, params: dict[str, Any], res: Resources) -> Stage:
    refuse_above = float(params.pop("refuse_injection_above", 0.9))
    policy = GuardPolicy.model_validate(params)

    def tenant_names(tenant_id: str) -> list[str]:
        with res.database.transaction() as session:
            return [name for name, _source in list_names(session, tenant_id)]

    return InputGuardStage(
        name=name,
        guards=shared_input_guards(policy),
        refuse_injection_above=refuse_above,
        tenant_names=tenant_names,
    )


def _output_guards(name: str, params: dict[str, Any], res: Resources) -> Stage:
    def contact_allowlist(tenant_id: str) -> tuple[str, ...]:
        with res.database.transaction() as session:
            return get_tenant(session, tenant_id).settings.contact_allowlist

    return OutputGuardStage(
        name=name, policy=GuardPolicy.model_validate(params), contact_allowlist=contact_allowlist
    )


@functools.cache
def shared_input_guards(policy: GuardPolicy) -> InputGuards:
    """One set of loaded guard models per policy per process: the spaCy and detector
    weights never change, so every pipeline (and every test app) shares them."""
    return InputGuards(policy)


def _intent_router(name: str, params: dict[str, Any], res: Resources) -> Stage:
    return IntentRouter(name=name, service=res.intents(), **params)


def _llm_generator(name: str, params: dict[str, Any], res: Resources) -> Stage:
    from frontdesk.pipeline.stages.llm_generator import LlmGenerator

    # the fallback is built like an extractive_generator stage: with the sentence embedder
    # its params ask for, so it answers as that stage would
    fallback = _extractive(f"{name}:extractive", dict(params.get("extractive", {})), res)
    return LlmGenerator.from_params(
        name, params, breakers=res.breakers, local_models=res.local_models, extractive=fallback
    )


def _expanded_retriever(name: str, params: dict[str, Any], res: Resources) -> Stage:
    from frontdesk.pipeline.stages.expand import LlmExpandedRetriever

    knowledge = res.knowledge(HybridOptions(**params.pop("hybrid", {})))
    return LlmExpandedRetriever.from_params(
        name, params, knowledge=knowledge, breakers=res.breakers, local_models=res.local_models
    )


def _llm_condenser(name: str, params: dict[str, Any], res: Resources) -> Stage:
    from frontdesk.pipeline.stages.llm_context import LlmCondenser

    return LlmCondenser.from_params(
        name, params, breakers=res.breakers, local_models=res.local_models
    )


def _llm_query_translator(name: str, params: dict[str, Any], res: Resources) -> Stage:
    from frontdesk.pipeline.stages.llm_query_translation import LlmQueryTranslator

    return LlmQueryTranslator.from_params(
        name, params, breakers=res.breakers, local_models=res.local_models
    )


_BUILTINS: dict[str, StageFactory] = {
    "llm_generator": _llm_generator,
    "llm_expanded_retriever": _expanded_retriever,
    "llm_condenser": _llm_condenser,
    "llm_query_translator": _llm_query_translator,
    "intent_router": _intent_router,
    "input_guards": _input_guards,
    "output_guards": _output_guards,
    "history_condenser": _condenser,
    "knowledge_retriever": _retriever,
    "extractive_generator": _extractive,
    "handoff_decider": _decider,
    "smalltalk": _smalltalk,
    "needs_person": _needs_person,
}


def register(registry: ComponentRegistry) -> None:
    for name, factory in _BUILTINS.items():
        registry.register(name, factory)
