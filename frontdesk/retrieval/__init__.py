"""Retrieval as a library: chunking, BM25 and dense indexes, fusion, reranking, expansion,
conversation condensing, and the :class:`HybridRetriever` that ties them together.

No database here: storage keeps chunks and vectors and rebuilds these in-process indexes.
"""

from frontdesk.retrieval.bm25 import BM25Index, BM25Options
from frontdesk.retrieval.chunking import (
    ChunkingOptions,
    TextChunk,
    chunk_document,
    chunk_text,
    faq_chunk,
    wordpiece_counter,
)
from frontdesk.retrieval.condense import CondenseOptions, condense, is_follow_up
from frontdesk.retrieval.cross_encoder import CrossEncoderOptions, OnnxCrossEncoderReranker
from frontdesk.retrieval.dense import DenseIndex
from frontdesk.retrieval.expansion import ExpansionOptions, QueryExpander
from frontdesk.retrieval.fusion import convex, normalize, rrf
from frontdesk.retrieval.hybrid import HybridOptions, HybridRetriever, title_text
from frontdesk.retrieval.parsing import ParsedDocument, parse_html, parse_markdown, parse_plain
from frontdesk.retrieval.protocols import KeywordIndex, Reranker, VectorIndex
from frontdesk.retrieval.rerank import LinearReranker, compute_features, train_linear_reranker
from frontdesk.retrieval.titles import TitleIndex
from frontdesk.retrieval.types import Candidate, Chunk

__all__ = [
    "BM25Index",
    "BM25Options",
    "Candidate",
    "Chunk",
    "ChunkingOptions",
    "CondenseOptions",
    "CrossEncoderOptions",
    "DenseIndex",
    "ExpansionOptions",
    "HybridOptions",
    "HybridRetriever",
    "KeywordIndex",
    "LinearReranker",
    "OnnxCrossEncoderReranker",
    "ParsedDocument",
    "QueryExpander",
    "Reranker",
    "TextChunk",
    "TitleIndex",
    "VectorIndex",
    "chunk_document",
    "chunk_text",
    "compute_features",
    "condense",
    "convex",
    "faq_chunk",
    "is_follow_up",
    "normalize",
    "parse_html",
    "parse_markdown",
    "parse_plain",
    "rrf",
    "title_text",
    "train_linear_reranker",
    "wordpiece_counter",
]
