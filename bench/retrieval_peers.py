"""LlamaIndex and Haystack hybrid retrieval on the benchmark's data (runs in bench/.venv-peers).

Called by bench/retrieval.py with ``--spec`` (documents, queries, model paths, threads), or
standalone with the datasets folder; writes each peer's top-10 ids and per-query latency
(seconds) as JSON to ``--out``. Both peers embed through the project's
OnnxEmbedder (same model, same vectors: documents come from the same on-disk cache), so
only the retrieval machinery differs. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
# The peers venv lacks the server's dependencies: register the package without running
# frontdesk/__init__.py so only the embedder module (numpy, onnxruntime, tokenizers) loads.
_package = types.ModuleType("frontdesk")
_package.__path__ = [str(REPO / "frontdesk")]
sys.modules.setdefault("frontdesk", _package)

from retrieval_common import CachingEmbedder  # noqa: E402

from frontdesk.providers.embedders.onnx_minilm import (  # noqa: E402
    OnnxEmbedder,
    OnnxEmbedderOptions,
)


def run_llamaindex(
    embedder: CachingEmbedder, docs: list[dict[str, str]], queries: list[str], mode: str
) -> dict[str, Any]:
    from llama_index.core import VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    class FrontdeskOnnxEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts).tolist()

    embed_model = FrontdeskOnnxEmbedding(model_name="frontdesk-onnx-minilm", embed_batch_size=256)
    nodes = [TextNode(id_=d["id"], text=d["text"]) for d in docs]
    embedder.caching = True
    index = VectorStoreIndex(nodes, embed_model=embed_model)
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=10)
    fusion = QueryFusionRetriever(
        [index.as_retriever(similarity_top_k=10), bm25],
        llm=MockLLM(),
        mode=mode,
        similarity_top_k=10,
        num_queries=1,
        use_async=False,
    )
    embedder.caching = False
    rankings, latencies = [], []
    for query in queries:
        start = time.perf_counter()
        hits = fusion.retrieve(query)
        latencies.append(time.perf_counter() - start)
        rankings.append([h.node.node_id for h in hits][:10])
    return {"rankings": rankings, "latencies": latencies}


def run_haystack(
    embedder: CachingEmbedder, docs: list[dict[str, str]], queries: list[str], mode: str
) -> dict[str, Any]:
    from haystack import Document, Pipeline, component
    from haystack.components.joiners import DocumentJoiner
    from haystack.components.retrievers.in_memory import (
        InMemoryBM25Retriever,
        InMemoryEmbeddingRetriever,
    )
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    @component
    class FrontdeskTextEmbedder:
        @component.output_types(embedding=list[float])
        def run(self, text: str) -> dict[str, list[float]]:
            return {"embedding": embedder.embed([text])[0].tolist()}

    embedder.caching = True
    vectors = embedder.embed([d["text"] for d in docs])
    store = InMemoryDocumentStore(embedding_similarity_function="cosine")
    store.write_documents(
        [
            Document(id=d["id"], content=d["text"], embedding=v.tolist())
            for d, v in zip(docs, vectors, strict=True)
        ]
    )
    embedder.caching = False
    pipe = Pipeline()
    pipe.add_component("embedder", FrontdeskTextEmbedder())
    pipe.add_component("dense", InMemoryEmbeddingRetriever(store, top_k=10))
    pipe.add_component("bm25", InMemoryBM25Retriever(store, top_k=10))
    pipe.add_component("joiner", DocumentJoiner(join_mode=mode, top_k=10))
    pipe.connect("embedder.embedding", "dense.query_embedding")
    pipe.connect("dense", "joiner")
    pipe.connect("bm25", "joiner")
    rankings, latencies = [], []
    for query in queries:
        start = time.perf_counter()
        out = pipe.run({"embedder": {"text": query}, "bm25": {"query": query}})
        latencies.append(time.perf_counter() - start)
        rankings.append([d.id for d in out["joiner"]["documents"]][:10])
    return {"rankings": rankings, "latencies": latencies}


def spec_from_datasets(root: Path) -> dict[str, Any]:
    """The spec bench/retrieval.py would pass, built here (standalone runs)."""
    stub = types.ModuleType("frontdesk.retrieval")  # skip its __init__ (server imports)
    stub.__path__ = [str(REPO / "frontdesk" / "retrieval")]
    sys.modules.setdefault("frontdesk.retrieval", stub)
    from retrieval_data import load_covidqa, load_mtrag

    # The model package lives in the project venv only: ask it where the files are.
    where = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "python"),
            "-c",
            "from frontdesk.providers.embedders.onnx_minilm import "
            "_default_model_path as m, _default_tokenizer_path as t; print(m()); print(t())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    model_path, tokenizer_path = where.stdout.split()
    return {
        "model_path": model_path,
        "tokenizer_path": tokenizer_path,
        "cache": str(REPO / "bench" / ".cache" / "embeddings.npz"),
        "datasets": [
            {
                "name": ds.name,
                "docs": [{"id": c.id, "text": c.keyword_text()} for c in ds.chunks],
                "queries": [q.as_query("condensed") for q in ds.queries],
            }
            for ds in (load_covidqa(root), load_mtrag(root))
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "datasets", nargs="?", type=Path, default=REPO.parent / "shared" / "datasets"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--spec", type=Path, help="JSON written by bench/retrieval.py")
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads")
    args = parser.parse_args()
    if args.spec is not None:
        spec = json.loads(args.spec.read_text(encoding="utf-8"))
    else:
        spec = spec_from_datasets(args.datasets) | {"threads": args.threads}
    inner = OnnxEmbedder(
        OnnxEmbedderOptions(
            model_path=spec["model_path"],
            tokenizer_path=spec["tokenizer_path"],
            threads=spec.get("threads", 0),
        )
    )
    embedder = CachingEmbedder(inner, Path(spec["cache"]))
    embedder.warm_up()
    results: dict[str, Any] = {}
    import importlib.metadata as md

    versions = {p: md.version(p) for p in ("llama-index-core", "haystack-ai", "bm25s")}
    for ds in spec["datasets"]:
        docs, queries = ds["docs"], ds["queries"]
        runs = (
            ("LlamaIndex hybrid (RRF)", run_llamaindex, "reciprocal_rerank"),
            ("LlamaIndex hybrid (relative score)", run_llamaindex, "relative_score"),
            ("Haystack hybrid (RRF)", run_haystack, "reciprocal_rank_fusion"),
            ("Haystack hybrid (distribution)", run_haystack, "distribution_based_rank_fusion"),
        )
        results[ds["name"]] = {}
        for name, run, mode in runs:
            print(f"  peers: {ds['name']} {name}", file=sys.stderr, flush=True)
            results[ds["name"]][name] = run(embedder, docs, queries, mode)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"versions": versions, "results": results}), encoding="utf-8")


if __name__ == "__main__":
    main()
