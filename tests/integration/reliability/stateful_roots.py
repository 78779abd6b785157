"""Schemathesis hook module (``SCHEMATHESIS_HOOKS=stateful_roots``) for the stateful run.

Schemathesis starts its stateful scenarios from "reliable roots" and skips the rest. Its
heuristic takes ``POST /v1/conversations`` for unreliable (the optional ``customer_id``
looks to it like a reference to a resource no operation creates) and instead starts from
POSTs on made-up ids (``/v1/conversations/{random}/messages``), which only ever 404. Here
a root is what creates a record without naming one: a POST on a collection path.
Written against schemathesis 4.32 (pinned in pyproject.toml)."""

from __future__ import annotations

from typing import Any

import schemathesis.specs.openapi.stateful as stateful


def _creates_without_naming_a_record(operation: Any, _node: Any, _produced: Any) -> bool:
    return bool(operation.method == "post" and not operation.path_parameters)


stateful.is_likely_root_transition = _creates_without_naming_a_record
