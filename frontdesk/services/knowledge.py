"""Ingest, sync, list and delete knowledge.

Each document is parsed and embedded outside any transaction, then stored in one
transaction: a failure leaves the previous version (or nothing), never partial chunks.
Unchanged documents (same content hash, same embedding model) are skipped.

Every chunk of a changed document is screened (:mod:`frontdesk.knowledge.screening`):
one carrying instructions aimed at the assistant is stored quarantined — listed for an
admin, never served — until an admin releases it.

For a tenant answered in other languages, the servable chunks' multilingual vectors are
embedded and stored before the document is (:mod:`frontdesk.knowledge.multilingual_ahead`),
so no server embeds them after it starts.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from frontdesk.domain.release import Actor
from frontdesk.errors import InvalidInputError, PayloadTooLargeError
from frontdesk.handoff.ticket_names import TicketNames
from frontdesk.knowledge.loaders import (
    SUPPORTED,
    LoadedChunk,
    LoadedDocument,
    load_documents,
)
from frontdesk.knowledge.multilingual_ahead import Backfilled, MultilingualAhead
from frontdesk.knowledge.multilingual_index import passage_texts
from frontdesk.knowledge.screening import ChunkScreen
from frontdesk.retrieval.protocols import Embedder
from frontdesk.retrieval.types import Chunk
from frontdesk.storage.db import Database
from frontdesk.storage.repos import audit
from frontdesk.storage.repos import knowledge as repo
from frontdesk.storage.repos.knowledge import DocumentInfo, QuarantinedChunk

Progress = Callable[[int, int, str], None]  # (done, total, current uri)


@dataclass(slots=True)
class FileOutcome:
    """What ingesting one file did, by document uri."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks: int = 0
    quarantined: int = 0  # chunks stored but held back for review
    stripped: Counter[str] = field(default_factory=Counter)  # hidden text removed, by kind


@dataclass(slots=True)
class IngestReport(FileOutcome):
    failed: dict[str, str] = field(default_factory=dict)  # file uri → error message

    def merge(self, outcome: FileOutcome) -> None:
        self.added += outcome.added
        self.updated += outcome.updated
        self.unchanged += outcome.unchanged
        self.removed += outcome.removed
        self.chunks += outcome.chunks
        self.quarantined += outcome.quarantined
        self.stripped.update(outcome.stripped)

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": self.failed,
            "chunks": self.chunks,
            "quarantined": self.quarantined,
            "stripped": dict(sorted(self.stripped.items())),
        }


class KnowledgeService:
    def __init__(
        self,
        database: Database,
        embedder: Callable[[], Embedder],
        max_file_bytes: int,
        screen: ChunkScreen | None = None,
        ticket_names: TicketNames | None = None,
        multilingual: MultilingualAhead | None = None,
    ) -> None:
        """``multilingual``: embeds multilingual vectors at ingestion (None: the servers
        embed them when they build their multilingual index)."""
        self._db = database
        self._multilingual = multilingual
        # Resolved tickets teach the tenant's name list its customers' names.
        self._ticket_names = ticket_names
        self._embedder = embedder
        self._max_file_bytes = max_file_bytes
        self._screen = screen or ChunkScreen()
        self._screen_ready = False
        self._screen_lock = threading.Lock()

    def ingest_bytes(self, tenant_id: str, uri: str, data: bytes) -> FileOutcome:
        """Store what one file holds: one document, or one per row of a JSONL of documents
        (stored as ``uri#id``; rows no longer in the file are removed). Unchanged documents
        are skipped; the changed ones are embedded in one batch, then each is stored in its
        own transaction."""
        if len(data) > self._max_file_bytes:
            raise PayloadTooLargeError(
                f"{uri}: {len(data):,} bytes is over the {self._max_file_bytes:,}-byte limit "
                "(FRONTDESK_MAX_UPLOAD_BYTES)"
            )
        loaded = load_documents(uri, data)
        keyed = [(uri if d.external_id is None else f"{uri}#{d.external_id}", d) for d in loaded]
        embedder = self._embedder()
        outcome = FileOutcome()
        with self._db.transaction() as session:
            existing = {
                doc.uri: doc for doc in repo.list_documents(session, tenant_id, uri_prefix=uri)
            }
        changed: list[tuple[str, LoadedDocument]] = []
        for doc_uri, document in keyed:
            before = existing.get(doc_uri)
            if (
                before is not None
                and before.content_hash == document.content_hash
                and before.embedding_model == embedder.model_id
            ):
                outcome.unchanged.append(doc_uri)
            else:
                changed.append((doc_uri, self._screened(document)))
        texts = [_embedding_text(c) for _, d in changed for c in d.chunks]
        vectors = embedder.embed(texts) if texts else None
        if self._multilingual is not None:
            servable = [_chunk(c) for _, d in changed for c in d.chunks if c.quarantine is None]
            self._multilingual.embed(tenant_id, servable)
        offset = 0
        for doc_uri, document in changed:
            assert vectors is not None
            mine = vectors[offset : offset + len(document.chunks)]
            offset += len(document.chunks)
            with self._db.transaction() as session:
                info = repo.replace_document(
                    session, tenant_id, doc_uri, document, mine, embedder.model_id
                )
                if document.kind == "tickets" and self._ticket_names is not None:
                    self._ticket_names.learn(session, tenant_id, _ticket_pairs(document))
            (outcome.updated if doc_uri in existing else outcome.added).append(doc_uri)
            outcome.chunks += info.chunk_count
            outcome.quarantined += sum(c.quarantine is not None for c in document.chunks)
            outcome.stripped.update(document.stripped)
        current = {doc_uri for doc_uri, _ in keyed}
        gone = [d for u, d in existing.items() if u.startswith(f"{uri}#") and u not in current]
        for stale in gone:
            with self._db.transaction() as session:
                repo.delete_document(session, tenant_id, stale.id)
            outcome.removed.append(stale.uri)
        return outcome

    def _screened(self, document: LoadedDocument) -> LoadedDocument:
        with self._screen_lock:  # load the detector once, on the first ingestion
            if not self._screen_ready:
                self._screen.warm_up()
                self._screen_ready = True
        chunks = [replace(c, quarantine=self._screen.screen(c.text)) for c in document.chunks]
        return replace(document, chunks=chunks)

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
                outcome = self.ingest_bytes(tenant_id, uri, read())
            except (InvalidInputError, PayloadTooLargeError, OSError) as exc:
                report.failed[uri] = getattr(exc, "message", None) or str(exc)
            else:
                report.merge(outcome)
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
            ((str(f), self._reader(f)) for f in files),
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
        if self._multilingual is not None:
            # Unchanged files were skipped: their vectors may predate the tenant's languages.
            self._multilingual.backfill(tenant_id)
        return report

    @property
    def embeds_multilingual(self) -> bool:
        """Whether ingestion embeds multilingual vectors (``multilingual_prebuild``)."""
        return self._multilingual is not None

    def seed_multilingual(self, tenant_id: str, path: Path) -> int:
        """Store the multilingual vectors shipped with a help center (``path``, an
        ``.npz`` of :mod:`~frontdesk.knowledge.shipped_vectors`) before ingesting it, so
        ingestion embeds only the texts the file lacks; how many were stored."""
        if self._multilingual is None:
            return 0
        return self._multilingual.seed(tenant_id, path)

    def embed_multilingual(
        self, tenant_id: str, start: int = 0, limit: int | None = None
    ) -> Backfilled:
        """Embed the multilingual vectors of the tenant's knowledge not stored yet (after
        it turned other languages on), from chunk ``start``, at most ``limit`` chunks."""
        if self._multilingual is None:
            return Backfilled(0, None)
        return self._multilingual.backfill(tenant_id, start, limit)

    def _reader(self, path: Path) -> Callable[[], bytes]:
        """Reads the file, refusing one over the limit before loading it into memory."""

        def read() -> bytes:
            size = path.stat().st_size
            if size > self._max_file_bytes:
                raise PayloadTooLargeError(
                    f"{path}: {size:,} bytes is over the {self._max_file_bytes:,}-byte limit "
                    "(FRONTDESK_MAX_UPLOAD_BYTES)"
                )
            return path.read_bytes()

        return read

    def list_documents(self, tenant_id: str) -> list[DocumentInfo]:
        with self._db.transaction() as session:
            return repo.list_documents(session, tenant_id)

    def delete_document(
        self, tenant_id: str, document_id: str, *, actor: Actor | None = None
    ) -> DocumentInfo:
        """Remove a document and its chunks (in the audit log by its file, not its text)."""
        with self._db.transaction() as session:
            info = repo.delete_document(session, tenant_id, document_id)
            removed = {"uri": info.uri, "kind": info.kind, "chunks": info.chunk_count}
            if actor is not None:
                audit.append(session, tenant_id, actor, "knowledge.delete", info.id, before=removed)
            return info

    def quarantine(self, tenant_id: str, include_released: bool = False) -> list[QuarantinedChunk]:
        """Chunks held back from retrieval for review, by document."""
        with self._db.transaction() as session:
            return repo.list_quarantined(session, tenant_id, include_released=include_released)

    def release(self, tenant_id: str, chunk_id: str, reviewer: str) -> QuarantinedChunk:
        """After review: serve the chunk (every replica's index rebuilds on its next search)."""
        with self._db.transaction() as session:
            return repo.release_chunk(session, tenant_id, chunk_id, reviewer)


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


def multilingual_texts(paths: list[Path]) -> list[str]:
    """Every text ingesting these files and directories embeds with the multilingual
    encoder (the servable chunks' are among them): what a shipped vectors file covers."""
    chunks: list[Chunk] = []
    for path in collect_files(paths):
        for document in load_documents(str(path), path.read_bytes()):
            chunks.extend(_chunk(c) for c in document.chunks)
    return passage_texts(chunks)


def _chunk(chunk: LoadedChunk) -> Chunk:
    """What the retrievers' embedding texts are made of (no id yet)."""
    return Chunk(id="", text=chunk.text, title=chunk.title, heading_path=chunk.heading_path)


def _embedding_text(chunk: LoadedChunk) -> str:
    # The same text the retriever embeds queries against (title and headings lead).
    return _chunk(chunk).embedding_text()


def _ticket_pairs(document: LoadedDocument) -> list[tuple[str, str, str | None]]:
    """(customer message, agent reply, customer id) of each ticket of a tickets document."""
    return [
        (
            str(c.metadata.get("question", "")),
            str(c.metadata.get("answer", "")),
            str(c.metadata["customer_id"]) if c.metadata.get("customer_id") else None,
        )
        for c in document.chunks
    ]
