"""Loading covidqa_faq and mtrag_un as chunks + queries for the retrieval benchmark."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frontdesk.retrieval.chunking import ChunkingOptions, chunk_text
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


def load_scale_corpus(root: Path, size: int = 10_000) -> tuple[list[Chunk], dict[str, str]]:
    """``size`` chunks of real, distinct text for the latency-at-scale test.

    mtrag_un passages are re-chunked at ~96 word pieces (so queries still have relevant
    text), the covidqa_faq entries are added as FAQ chunks, and banking77 then clinc150
    training utterances fill the rest as short distractor chunks. Returns the chunks and a
    map from each mtrag chunk id to its source passage id (for passage-level scoring).
    """
    options = ChunkingOptions(target_tokens=96, max_tokens=128, overlap_tokens=16)
    chunks: list[Chunk] = []
    parent: dict[str, str] = {}
    for row in _jsonl(root / "mtrag_un" / "corpus.jsonl"):
        title, body = _split_title(row["text"])
        for piece in chunk_text(body, "plain", options)[1]:
            chunk_id = f"{row['id']}#{piece.position}"
            parent[chunk_id] = row["id"]
            chunks.append(Chunk(id=chunk_id, text=piece.text, title=title, position=piece.position))
    for row in _jsonl(root / "covidqa_faq" / "kb.jsonl"):
        chunks.append(Chunk(id=row["id"], text=row["answer"], title=row["question"]))
    seen = {c.text for c in chunks}
    for name in ("banking77", "clinc150"):
        for row in _jsonl(root / name / "train.jsonl"):
            if len(chunks) >= size:
                return chunks, parent
            if row["text"] not in seen:
                seen.add(row["text"])
                chunks.append(Chunk(id=row["id"], text=row["text"]))
    return chunks[:size], parent


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(
        description="Loaders for bench/retrieval.py; run alone it writes the sizes of what "
        "they load (datasets and the 10k-chunk scale corpus) as JSON."
    )
    parser.add_argument(
        "datasets",
        nargs="?",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "datasets",
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    stats: dict[str, Any] = {
        ds.name: {"chunks": len(ds.chunks), "queries": len(ds.queries)}
        for ds in load_all(args.datasets)
    }
    chunks, parent = load_scale_corpus(args.datasets)
    stats["scale_corpus"] = {
        "chunks": len(chunks),
        "distinct_texts": len({c.text for c in chunks}),
        "mtrag_chunks": len(parent),
        "other_chunks": len(chunks) - len(parent),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
