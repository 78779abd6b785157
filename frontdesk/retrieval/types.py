"""Records the retrieval library passes around; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable piece of knowledge as the index sees it.

    ``id`` is unique within one index; ``title`` is the document (or FAQ question) title and
    ``heading_path`` the section headings above the chunk, outermost first.
    """

    id: str
    text: str
    title: str = ""
    url: str | None = None
    heading_path: tuple[str, ...] = ()
    position: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    def keyword_text(self) -> str:
        """What BM25 indexes: title and headings count as part of the text."""
        return "\n".join(p for p in (self.title, *self.heading_path, self.text) if p)

    def embedding_text(self) -> str:
        """What the body vector encodes; the title leads so truncation keeps it."""
        head = " > ".join(p for p in (self.title, *self.heading_path) if p)
        if head and not self.text.startswith(head):
            return f"{head}\n{self.text}"
        return self.text


@dataclass(slots=True)
class Candidate:
    """One chunk on its way through fusion and reranking, with every signal seen so far.

    Ranks are 1-based; 0 means the chunk was not in that list's top candidates.
    """

    chunk: Chunk
    bm25: float = 0.0
    dense: float = 0.0
    dense_title: float = 0.0
    bm25_rank: int = 0
    dense_rank: int = 0
    fused: float = 0.0
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


# In a passage's metadata when a tenant's adapted retrieval encoder found it
# (``knowledge adapt``): "adapted:<version>"; the retrieve stage records it on the trace.
ENCODER_KEY = "encoder"


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved piece of knowledge with the score the retriever gave it."""

    chunk_id: str
    text: str
    title: str
    score: float
    url: str | None = None
    heading_path: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
