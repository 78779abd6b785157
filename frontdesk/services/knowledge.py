"""Ingest, sync, list and delete knowledge.

Each document is parsed and embedded outside any transaction, then stored in one
transaction: a failure leaves the previous version (or nothing), never partial chunks.
Unchanged documents (same content hash, same embedding model) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from frontdesk.errors import InvalidInputError
from frontdesk.knowledge.loaders import SUPPORTED, load_document
from frontdesk.pipeline.protocols import Embedder
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.db import Database
from frontdesk.storage.repos import knowledge as repo
from frontdesk.storage.repos.knowledge import DocumentInfo

Progress = Callable[[int, int, str], None]  # (done, total, current uri)


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # uri → error message
    chunks: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": self.failed,
            "chunks": self.chunks,
        }


class KnowledgeService:
    def __init__(self, database: Database, embedder: Callable[[], Embedder]) -> None:
        self._db = database
        self._embedder = embedder

    def ingest_bytes(self, tenant_id: str, uri: str, data: bytes) -> tuple[str, DocumentInfo]:
        """Store one document; returns ``added``, ``updated`` or ``unchanged`` and its record."""
        loaded = load_document(uri, data)
        embedder = self._embedder()
        with self._db.transaction() as session:
            existing = repo.find_document(session, tenant_id, uri)
        if (
            existing is not None
            and existing.content_hash == loaded.content_hash
            and existing.embedding_model == embedder.model_id
        ):
            return "unchanged", existing
        texts = [
            Chunk(id="", text=c.text, title=c.title, heading_path=c.heading_path).embedding_text()
            for c in loaded.chunks
        ]
        vectors = embedder.embed(texts)
        with self._db.transaction() as session:
            info = repo.replace_document(
                session, tenant_id, uri, loaded, vectors, embedder.model_id
            )
        return ("added" if existing is None else "updated"), info

    def ingest_items(
        self,
        tenant_id: str,
        items: Iterable[tuple[str, Callable[[], bytes]]],
        total: int,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest ``(uri, read)`` pairs one by one; a bad file is reported, not fatal."""
        report = IngestReport()
        for done, (uri, read) in enumerate(items, start=1):
            try:
                status, info = self.ingest_bytes(tenant_id, uri, read())
            except (InvalidInputError, OSError) as exc:
                report.failed[uri] = getattr(exc, "message", None) or str(exc)
            else:
                getattr(report, status).append(uri)
                report.chunks += info.chunk_count
            if progress is not None:
                progress(done, total, uri)
        return report

    def ingest_paths(
        self,
        tenant_id: str,
        paths: list[Path],
        *,
        sync: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest files and directories (recursively). With ``sync``, documents that came
        from these directories but whose files are gone are removed."""
        files = collect_files(paths)
        report = self.ingest_items(
            tenant_id,
            ((str(f), f.read_bytes) for f in files),
            total=len(files),
            progress=progress,
        )
        if sync:
            roots = [str(p.resolve()) for p in paths if p.is_dir()]
            present = {str(f) for f in files}
            with self._db.transaction() as session:
                for document in repo.list_documents(session, tenant_id):
                    inside = any(document.uri.startswith(root + "/") for root in roots)
                    if inside and document.uri not in present:
                        repo.delete_document(session, tenant_id, document.id)
                        report.removed.append(document.uri)
        return report

    def list_documents(self, tenant_id: str) -> list[DocumentInfo]:
        with self._db.transaction() as session:
            return repo.list_documents(session, tenant_id)

    def delete_document(self, tenant_id: str, document_id: str) -> DocumentInfo:
        with self._db.transaction() as session:
            return repo.delete_document(session, tenant_id, document_id)


def collect_files(paths: list[Path]) -> list[Path]:
    """Supported files under ``paths``, resolved, sorted, hidden files skipped."""
    found: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise InvalidInputError(f"{path}: no such file or directory")
        if path.is_dir():
            for candidate in path.rglob("*"):
                relative = candidate.relative_to(path).parts
                hidden = any(part.startswith(".") for part in relative)
                if candidate.is_file() and not hidden and candidate.suffix.lower() in SUPPORTED:
                    found.add(candidate.resolve())
        else:
            found.add(path.resolve())
    return sorted(found)
