"""``/v1/knowledge``: upload, list, delete and search the tenant's knowledge;
``/v1/jobs``: progress of background ingestion."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.api.deps import AdminKey, FrontdeskDep, StaffKey
from frontdesk.api.schemas import FaqCreate, Promoted, SuggestionPublic
from frontdesk.domain.agents import actor_of
from frontdesk.errors import InvalidInputError
from frontdesk.gateway.text import check_text
from frontdesk.handoff.promotion import FaqSource
from frontdesk.knowledge.loaders import SUPPORTED
from frontdesk.services.tasks import submit_ingest
from frontdesk.storage.repos.jobs import JobInfo
from frontdesk.storage.repos.knowledge import DocumentInfo, QuarantinedChunk

router = APIRouter(tags=["knowledge"])


class DocumentPublic(BaseModel):
    id: str
    uri: str
    kind: str
    title: str
    url: str | None
    content_hash: str
    chunk_count: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, info: DocumentInfo) -> DocumentPublic:
        return cls(
            id=info.id,
            uri=info.uri,
            kind=info.kind,
            title=info.title,
            url=info.url,
            content_hash=info.content_hash,
            chunk_count=info.chunk_count,
            created_at=info.created_at,
            updated_at=info.updated_at,
        )


class JobPublic(BaseModel):
    id: str
    kind: str
    status: str = Field(description="queued, running, succeeded or failed")
    total: int
    done: int
    result: dict[str, Any]
    error: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, job: JobInfo) -> JobPublic:
        return cls(**{name: getattr(job, name) for name in cls.model_fields})


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=4000)
    k: int = Field(5, ge=1, le=50)


class PassagePublic(BaseModel):
    chunk_id: str
    title: str
    url: str | None
    heading_path: list[str]
    text: str
    score: float


@router.post("/v1/knowledge/documents", status_code=202, response_model=JobPublic)
def upload_documents(
    frontdesk: FrontdeskDep,
    principal: AdminKey,
    files: Annotated[list[UploadFile], File(description="Markdown, HTML, text, PDF, CSV, JSONL")],
) -> JobPublic:
    """Upload files; they are ingested in the background. Poll ``/v1/jobs/{id}``."""
    items: list[tuple[str, bytes]] = []
    for upload in files:
        name = PurePath(upload.filename or "").name
        check_text(name, "files")
        if not name or PurePath(name).suffix.lower() not in SUPPORTED:
            raise InvalidInputError(
                f"{name or 'a file'}: unsupported type; use one of {', '.join(sorted(SUPPORTED))}",
                field="files",
            )
        items.append((f"upload/{name}", upload.file.read()))
    return JobPublic.of(submit_ingest(frontdesk.jobs, principal.tenant_id, items))


@router.get("/v1/knowledge/documents", response_model=list[DocumentPublic])
def list_documents(frontdesk: FrontdeskDep, principal: StaffKey) -> list[DocumentPublic]:
    return [DocumentPublic.of(d) for d in frontdesk.knowledge.list_documents(principal.tenant_id)]


@router.delete("/v1/knowledge/documents/{document_id}", response_model=DocumentPublic)
def delete_document(
    document_id: str, frontdesk: FrontdeskDep, principal: AdminKey
) -> DocumentPublic:
    deleted = frontdesk.knowledge.delete_document(
        principal.tenant_id, document_id, actor=actor_of(principal)
    )
    return DocumentPublic.of(deleted)


@router.post("/v1/knowledge/search", response_model=list[PassagePublic])
def search(
    body: SearchRequest, frontdesk: FrontdeskDep, principal: StaffKey
) -> list[PassagePublic]:
    """What the retriever finds for a query, best first (for checking the knowledge)."""
    passages = frontdesk.search(principal.tenant_id, body.query, body.k)
    return [
        PassagePublic(
            chunk_id=p.chunk_id,
            title=p.title,
            url=p.url,
            heading_path=list(p.heading_path),
            text=p.text,
            score=round(p.score, 6),
        )
        for p in passages
    ]


class QuarantinedChunkPublic(BaseModel):
    document_id: str
    chunk_id: str
    reason: str
    score: float | None
    title: str
    excerpt: str
    document_uri: str
    position: int
    status: str = Field(description="quarantined, or released after review")
    reviewed_by: str | None
    reviewed_at: datetime | None

    @classmethod
    def of(cls, chunk: QuarantinedChunk) -> QuarantinedChunkPublic:
        return cls(**{name: getattr(chunk, name) for name in cls.model_fields})


@router.get("/v1/knowledge/quarantine", response_model=list[QuarantinedChunkPublic])
def list_quarantine(
    frontdesk: FrontdeskDep, principal: AdminKey, include_released: bool = False
) -> list[QuarantinedChunkPublic]:
    """Chunks held back from answers because they carry instructions aimed at the
    assistant; ``include_released=true`` also lists those already released."""
    held = frontdesk.knowledge.quarantine(principal.tenant_id, include_released=include_released)
    return [QuarantinedChunkPublic.of(chunk) for chunk in held]


@router.post("/v1/knowledge/quarantine/{chunk_id}/release", response_model=QuarantinedChunkPublic)
def release_chunk(
    chunk_id: str, frontdesk: FrontdeskDep, principal: AdminKey
) -> QuarantinedChunkPublic:
    """After review, serve the chunk in answers (409 if it was never quarantined)."""
    chunk = frontdesk.knowledge.release(principal.tenant_id, chunk_id, principal.display_name)
    return QuarantinedChunkPublic.of(chunk)


@router.get("/v1/knowledge/suggestions", response_model=list[SuggestionPublic])
def list_suggestions(
    frontdesk: FrontdeskDep,
    principal: StaffKey,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[SuggestionPublic]:
    """Suggested FAQ entries mined from clusters of resolved tickets and unanswered
    questions, biggest first, each with a generalised draft; clusters the knowledge
    already answers are left out. Approve one with ``POST /v1/knowledge/faq``."""
    suggestions = frontdesk.handoff.suggestions(principal.tenant_id, limit)
    return [SuggestionPublic.model_validate(s.to_dict()) for s in suggestions]


@router.post("/v1/knowledge/faq", status_code=201, response_model=Promoted)
def add_faq(body: FaqCreate, frontdesk: FrontdeskDep, principal: StaffKey) -> Promoted:
    """Add an FAQ entry an agent approved (a suggestion's edited draft); it is served and
    cited from now on. ``source`` (a ticket or question id of this tenant) records where
    it came from."""
    source = FaqSource(body.source.kind, body.source.id) if body.source is not None else None
    document_id = frontdesk.handoff.add_faq(principal, body.question, body.answer, source)
    return Promoted(document_id=document_id)


@router.post("/v1/jobs/{job_id}/cancel", response_model=JobPublic)
def cancel_job(job_id: str, frontdesk: FrontdeskDep, principal: AdminKey) -> JobPublic:
    """Cancel a job: a queued one never runs (``cancelled``); a running one stops at its
    next step (``cancelling``, then ``cancelled``); what it finished stays. 409 once it
    has ended."""
    return JobPublic.of(frontdesk.jobs.cancel(principal.tenant_id, job_id))


@router.get("/v1/jobs/{job_id}", response_model=JobPublic)
def get_job(job_id: str, frontdesk: FrontdeskDep, principal: StaffKey) -> JobPublic:
    return JobPublic.of(frontdesk.jobs.get(principal.tenant_id, job_id))
