"""The OpenAPI schema lists the errors each route can answer, in the one error shape.

Derived from the generated paths, so a new route is documented without anyone
remembering to: every operation may answer 422 (its path or query can carry text that
cannot be stored) and 503 (the database is unreachable); one under ``/v1/`` (all need an
API key, and most name records by id in the path or body) adds 401, 403, 404 and 429;
one that takes a body 400 (not UTF-8) and 413; one that changes state 409. The
validation error FastAPI documents by default is replaced by the one error shape the API
really answers with. Links between operations come from :mod:`frontdesk.api.openapi_links`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from frontdesk.api.openapi_links import add_links
from frontdesk.api.schemas import ErrorBody

_DESCRIPTIONS = {
    "400": "The body cannot be decoded (not UTF-8)",
    "401": "Missing, malformed, unknown or revoked API key",
    "403": "The key's role may not do this",
    "404": "No such record for this tenant (an id in the path or the body)",
    "409": "The request contradicts the current state",
    "413": "The request body is over the size limit",
    "422": "A field is missing or malformed (``field`` names it)",
    "429": "Too many requests for this key or address; see Retry-After",
    "503": "A dependency (database, Redis, models) is not available, or too many messages "
    "are waiting to be answered; see Retry-After",
}
_REF = {"$ref": "#/components/schemas/ErrorBody"}


_MUTATING = {"post", "patch", "put", "delete"}


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation may answer."""
    statuses = ["422", "503"]
    if path.startswith("/v1/"):  # the API proper: every route needs a key, most take ids
        statuses += ["401", "403", "404", "429"]
    elif "{" in path:
        statuses.append("404")
    if "requestBody" in operation:
        statuses += ["400", "413"]
    if method in _MUTATING:
        statuses.append("409")
    return sorted(statuses)


def install_openapi(app: FastAPI) -> None:
    """Replace ``app.openapi`` by one that adds each route's error responses."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs"))
        components["ErrorBody"] = error_schema
        for unused in ("HTTPValidationError", "ValidationError"):  # replaced below
            components.pop(unused, None)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(path, method, operation):
                    responses[status] = {
                        "description": _DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": _REF}},
                    }
        add_links(schema["paths"])
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
