"""The release registry, rollouts and the audit log (admin keys)."""

from __future__ import annotations

from typing import Any

from frontdesk.client.call import Call, as_dict, as_text, route


@route("POST", "/v1/releases")
def create_release(document: str, *, label: str | None = None) -> Call[dict[str, Any]]:
    """A new release from its YAML or JSON text; ``label="candidate"`` labels it."""
    return Call(as_dict, params={"label": label}, content=document)


@route("GET", "/v1/releases")
def list_releases() -> Call[dict[str, Any]]:
    return Call(as_dict)


@route("GET", "/v1/releases/status")
def release_status() -> Call[dict[str, Any]]:
    """The labels and what this replica serves (and its last load failure), with the
    tenant's own models (``serving.models``: intent model and retrieval adapter)."""
    return Call(as_dict)


@route("GET", "/v1/releases/diff")
def diff_releases(a: str, b: str) -> Call[dict[str, Any]]:
    return Call(as_dict, params={"a": a, "b": b})


@route("PUT", "/v1/releases/eval-set")
def upload_eval_set(rows: str) -> Call[dict[str, Any]]:
    """The labelled set (JSON lines) that gates promotion."""
    return Call(as_dict, content=rows)


@route("POST", "/v1/releases/rollback")
def rollback_release() -> Call[dict[str, Any]]:
    return Call(as_dict)


@route("GET", "/v1/releases/{release}")
def get_release(release: str) -> Call[dict[str, Any]]:
    return Call(as_dict, {"release": release})


@route("GET", "/v1/releases/{release}/export")
def export_release(release: str, *, format: str = "json") -> Call[str]:
    """The release document as text (``json`` or ``yaml``)."""
    return Call(as_text, {"release": release}, params={"format": format})


@route("POST", "/v1/releases/{release}/label")
def label_release(release: str, label: str) -> Call[dict[str, Any]]:
    return Call(as_dict, {"release": release}, json={"label": label})


@route("POST", "/v1/releases/{release}/promote")
def promote_release(release: str, *, force: bool = False) -> Call[dict[str, Any]]:
    """Promote past the evaluation gate; ``force`` overrides it (audited)."""
    return Call(as_dict, {"release": release}, json={"force": force})


@route("GET", "/v1/audit")
def list_audit(*, limit: int = 100) -> Call[dict[str, Any]]:
    return Call(as_dict, params={"limit": limit})


@route("POST", "/v1/rollouts")
def start_rollout(
    candidate: str, mode: str, share: float, *, triggers: dict[str, Any] | None = None
) -> Call[dict[str, Any]]:
    """Start a ``shadow``, ``canary`` or ``ab`` rollout; its status."""
    fields: dict[str, Any] = {"candidate": candidate, "mode": mode, "share": share}
    if triggers is not None:
        fields["triggers"] = triggers
    return Call(as_dict, json=fields)


@route("GET", "/v1/rollouts")
def rollout_status() -> Call[dict[str, Any]]:
    return Call(as_dict)


@route("GET", "/v1/rollouts/latest")
def latest_rollout() -> Call[dict[str, Any]]:
    """``{"rollout": status}``, or ``{"rollout": None}`` before the first rollout."""
    return Call(as_dict)


@route("POST", "/v1/rollouts/stop")
def stop_rollout() -> Call[dict[str, Any]]:
    return Call(as_dict)
