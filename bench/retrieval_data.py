"""Loading covidqa_faq and mtrag_un as chunks + queries for the retrieval benchmark."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontdesk.retrieval.condense import CondenseOptions, Strategy, condense
from frontdesk.retrieval.types import Chunk


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str


@dataclass
class Query:
    id: str
    text: str  # the last user message
    gold: set[str]
    history: list[Turn] = field(default_factory=list)
    fold: int = 0  # mtrag: 0 or 1 by a hash of the conversation id (for cross-fitting)

    def as_query(self, strategy: Strategy, budget: int = 64) -> str:
        return condense(
            self.text, self.history, CondenseOptions(strategy=strategy, budget_tokens=budget)
        )


@dataclass
class Dataset:
    name: str
    chunks: list[Chunk]
    queries: list[Query]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_covidqa(root: Path) -> Dataset:
    folder = root / "covidqa_faq"
    chunks = [
        Chunk(
            id=row["id"],
            text=row["answer"],
            title=row["question"],
            url=row.get("url"),
            metadata={"source": row.get("source", "")},
        )
        for row in _jsonl(folder / "kb.jsonl")
    ]
    queries = [
        Query(id=row["id"], text=row["query"], gold=set(row["gold_faq_ids"]))
        for row in _jsonl(folder / "queries.jsonl")
    ]
    return Dataset("covidqa_faq", chunks, queries)


def _split_title(text: str) -> tuple[str, str]:
    """A short first line without a full stop reads as a title (Wikipedia, docs pages)."""
    first, _, rest = text.partition("\n")
    first = first.strip()
    if rest.strip() and 0 < len(first.split()) <= 12 and not first.endswith((".", "?", "!")):
        return first, rest.strip()
    return "", text


def load_mtrag(root: Path) -> Dataset:
    folder = root / "mtrag_un"
    chunks = []
    for row in _jsonl(folder / "corpus.jsonl"):
        title, body = _split_title(row["text"])
        chunks.append(
            Chunk(id=row["id"], text=body, title=title, metadata={"domain": row["domain"]})
        )
    queries = []
    for row in _jsonl(folder / "tasks.jsonl"):
        if not row["relevant_passage_ids"]:
            continue
        conv = row["task_id"].split("<::>")[0]
        history = [Turn(t["speaker"], t["text"]) for t in row["conversation"][:-1]]
        fold = int(hashlib.sha1(conv.encode()).hexdigest(), 16) % 2
        queries.append(
            Query(
                id=row["task_id"],
                text=row["conversation"][-1]["text"],
                gold=set(row["relevant_passage_ids"]),
                history=history,
                fold=fold,
            )
        )
    return Dataset("mtrag_un", chunks, queries)


def load_all(root: Path) -> list[Dataset]:
    return [load_covidqa(root), load_mtrag(root)]
