"""The seams of the pipeline. Every implementation, built-in or plugin, satisfies one.

Components keep ``__init__`` light (store options) and load models in ``warm_up()``, which
the application calls once at start-up; their options serialise to a dict so a release
can be stored, diffed and rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from frontdesk.intents.model import IntentModel
from frontdesk.pipeline.state import TurnState
from frontdesk.retrieval.protocols import Embedder as Embedder  # re-exported for plugins
from frontdesk.retrieval.types import Passage


@dataclass(slots=True)
class StageReport:
    """What a stage wants recorded on the trace besides its duration."""

    scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    detail: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Stage(Protocol):
    """One step of the pipeline.

    ``run`` reads and updates ``state`` and returns what to record; it must not raise for
    ordinary bad input (it records a flag instead). ``name`` appears on the trace.
    """

    name: str

    def warm_up(self) -> None: ...

    def run(self, state: TurnState) -> StageReport: ...


class KnowledgeBase(Protocol):
    """Tenant-scoped search over ingested knowledge."""

    def warm_up(self) -> None: ...

    def search(self, tenant_id: str, query: str, k: int, language: str = "en") -> list[Passage]:
        """``language``: the question's (ISO 639-1); a knowledge base may search another
        language's question across languages."""
        ...

    def chunk_count(self, tenant_id: str) -> int: ...


class IntentModels(Protocol):
    """Each tenant's intent models: ``version`` names one, ``None`` the active one; a
    tenant without a trained model has ``None``."""

    def active_model(self, tenant_id: str, version: str | None = None) -> IntentModel | None: ...
