"""Knowledge documents, search, quarantine, FAQ suggestions, retrieval adapters, intents
and jobs."""

from __future__ import annotations

from typing import Any

from frontdesk.api.routes.adapters import AdapterPublic, AdapterState
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


@route("POST", "/v1/knowledge/adapt")
def adapt_retrieval(
    *, epochs: float = 3.0, max_steps: int | None = None, min_gain: float = 0.0
) -> Call[JobPublic]:
    """Fine-tune the retrieval encoder on the tenant's own pairs: a job to follow, whose
    result says whether the adapted encoder is now used (only when it scored higher)."""
    return Call(
        one(JobPublic), json={"epochs": epochs, "max_steps": max_steps, "min_gain": min_gain}
    )


@route("GET", "/v1/knowledge/adapters")
def list_retrieval_adapters() -> Call[list[AdapterPublic]]:
    return Call(many(AdapterPublic))


@route("POST", "/v1/knowledge/adapters/revert")
def revert_retrieval_adapter() -> Call[AdapterState]:
    """Search with the base encoder again."""
    return Call(one(AdapterState))


@route("POST", "/v1/knowledge/adapters/{version}/activate")
def activate_retrieval_adapter(version: str) -> Call[AdapterState]:
    return Call(one(AdapterState), {"version": version})
