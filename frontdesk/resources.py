"""Shared, heavy things the pipeline's components use: built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from frontdesk.pipeline.protocols import Embedder
from frontdesk.pipeline.state import Passage
from frontdesk.settings import Settings
from frontdesk.storage.db import Database


class KnowledgeBase(Protocol):
    """Tenant-scoped search over ingested knowledge."""

    def search(self, tenant_id: str, query: str, k: int) -> list[Passage]: ...

    def chunk_count(self, tenant_id: str) -> int: ...


class EmptyKnowledgeBase:
    """No knowledge has been ingested anywhere: every search is empty, and says so."""

    def search(self, tenant_id: str, query: str, k: int) -> list[Passage]:
        return []

    def chunk_count(self, tenant_id: str) -> int:
        return 0


@dataclass
class Resources:
    settings: Settings
    database: Database
    knowledge: KnowledgeBase = field(default_factory=EmptyKnowledgeBase)
    embedder: Embedder | None = None
