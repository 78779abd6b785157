"""Knowledge documents, search, quarantine, FAQ suggestions, intents and jobs."""

from __future__ import annotations

from typing import Any

from frontdesk.api.routes.intents import IntentModelPublic, IntentPublic
from frontdesk.api.routes.knowledge import (
    DocumentPublic,
    JobPublic,
    PassagePublic,
    QuarantinedChunkPublic,
)
from frontdesk.api.schemas import Promoted, SuggestionPublic
from frontdesk.client.call import Call, FileItem, many, one, route


@route("POST", "/v1/knowledge/documents")
def upload_documents(files: list[FileItem]) -> Call[JobPublic]:
    """Queue ``(name, content, media type)`` files for ingestion: a job to follow."""
    return Call(one(JobPublic), files=[("files", item) for item in files])


@route("GET", "/v1/knowledge/documents")
def list_documents() -> Call[list[DocumentPublic]]:
    return Call(many(DocumentPublic))


@route("DELETE", "/v1/knowledge/documents/{document_id}")
def delete_document(document_id: str) -> Call[DocumentPublic]:
    return Call(one(DocumentPublic), {"document_id": document_id})


@route("POST", "/v1/knowledge/search")
def search(query: str, *, k: int = 5) -> Call[list[PassagePublic]]:
    return Call(many(PassagePublic), json={"query": query, "k": k})


@route("GET", "/v1/knowledge/quarantine")
def list_quarantine(*, include_released: bool = False) -> Call[list[QuarantinedChunkPublic]]:
    params = {"include_released": include_released}
    return Call(many(QuarantinedChunkPublic), params=params)


@route("POST", "/v1/knowledge/quarantine/{chunk_id}/release")
def release_quarantined(chunk_id: str) -> Call[QuarantinedChunkPublic]:
    return Call(one(QuarantinedChunkPublic), {"chunk_id": chunk_id})


@route("GET", "/v1/knowledge/suggestions")
def list_suggestions(*, limit: int = 20) -> Call[list[SuggestionPublic]]:
    return Call(many(SuggestionPublic), params={"limit": limit})


@route("POST", "/v1/knowledge/faq")
def add_faq(question: str, answer: str, *, source: dict[str, Any] | None = None) -> Call[Promoted]:
    """An approved FAQ entry; ``source`` names the suggestion (``{"kind", "id"}``)."""
    fields: dict[str, Any] = {"question": question, "answer": answer}
    if source is not None:
        fields["source"] = source
    return Call(one(Promoted), json=fields)


@route("GET", "/v1/jobs/{job_id}")
def get_job(job_id: str) -> Call[JobPublic]:
    return Call(one(JobPublic), {"job_id": job_id})


@route("POST", "/v1/jobs/{job_id}/cancel")
def cancel_job(job_id: str) -> Call[JobPublic]:
    return Call(one(JobPublic), {"job_id": job_id})


@route("GET", "/v1/intents")
def list_intents() -> Call[list[IntentPublic]]:
    return Call(many(IntentPublic))


@route("POST", "/v1/intents/train")
def train_intents(file: FileItem, *, fine_tune: bool = False) -> Call[JobPublic]:
    """Train from a CSV or JSONL of text,label rows: a job to follow. ``fine_tune`` adapts
    the sentence encoder to the examples first (minutes, not seconds)."""
    params = {"fine_tune": "true" if fine_tune else "false"}
    return Call(one(JobPublic), files=[("file", file)], params=params)


@route("GET", "/v1/intents/models")
def list_intent_models() -> Call[list[IntentModelPublic]]:
    return Call(many(IntentModelPublic))


@route("POST", "/v1/intents/models/{version}/activate")
def activate_intent_model(version: str) -> Call[IntentModelPublic]:
    return Call(one(IntentModelPublic), {"version": version})
