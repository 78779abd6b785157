"""A release as a document: parsed from YAML or JSON, checked for secrets, exported, diffed.

A document is a release config (``releases/config.py``) with one optional extra key,
``gate``: the criteria ``frontdesk eval`` must meet before the release may become
production. The registry numbers releases itself, so a document's ``version`` is ignored.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frontdesk.errors import InvalidInputError
from frontdesk.releases.config import ReleaseConfig

MAX_DOCUMENT_BYTES = 1_000_000
# Field names that hold a secret's value; ``*_env`` names a variable instead and is fine.
_SECRET_NAME = re.compile(
    r"(^|_)(api_?key|secret|password|passwd|token|access_token|authorization|bearer)$", re.I
)
# Values shaped like provider keys, whatever the field is called.
_SECRET_VALUE = re.compile(r"^(sk-|sk_live_|xox[bp]-|ghp_|AKIA)[A-Za-z0-9_-]{12,}")


class GateCriteria(BaseModel):
    """What ``frontdesk eval`` on the tenant's labelled set must show, against production,
    before a release is promoted."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_accuracy_drop: float = Field(
        0.01, ge=0, le=1, description="accuracy may be at most this far below production's"
    )
    max_leaks: int = Field(0, ge=0, description="answers that leak what they must not")
    max_errors: int = Field(0, ge=0, description="rows whose pipeline raised")


def parse_document(text: str) -> tuple[ReleaseConfig, GateCriteria]:
    """The release and its gate from YAML or JSON (JSON is YAML); a clear 422 otherwise."""
    if len(text.encode()) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(f"a release document is at most {MAX_DOCUMENT_BYTES} bytes")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"the release is neither valid YAML nor JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInputError("a release document is a mapping with id, stages, ...")
    refuse_secrets(data)
    gate_data = data.pop("gate", None) or {}
    data.setdefault("version", 1)
    try:
        return ReleaseConfig.model_validate(data), GateCriteria.model_validate(gate_data)
    except ValidationError as exc:
        raise InvalidInputError(f"not a valid release: {_first_errors(exc)}") from None


def refuse_secrets(value: Any, path: str = "") -> None:
    """Secrets are references (the name of an environment variable), never values: a
    release is stored, exported and diffed, so a key in it would leak everywhere."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _SECRET_NAME.search(str(key)) and isinstance(item, str) and item:
                raise InvalidInputError(
                    f"{where} holds a secret: releases name an environment variable "
                    f"instead (e.g. api_key_env: OPENAI_API_KEY)",
                    field=where,
                )
            refuse_secrets(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_secrets(item, f"{path}[{index}]")
    elif isinstance(value, str) and _SECRET_VALUE.match(value):
        raise InvalidInputError(
            f"{path} looks like an API key: name an environment variable instead", field=path
        )


def export_document(config: dict[str, Any], gate: dict[str, Any]) -> dict[str, Any]:
    """What ``releases export`` prints: a document ``releases create`` accepts again."""
    return {**config, "gate": GateCriteria.model_validate(gate).model_dump()}


def to_yaml(document: dict[str, Any]) -> str:
    dumped: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return dumped


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Changed parameters as ``{"path", "before", "after"}``, stages addressed by name
    (``stages.decide.params.threshold``) so reordering is a change of ``order`` only."""
    old, new = _flatten(_by_stage(before)), _flatten(_by_stage(after))
    changes = []
    for path in sorted(old.keys() | new.keys()):
        if path in ("version",):
            continue  # the registry's number, not a parameter
        if old.get(path, _MISSING) != new.get(path, _MISSING):
            changes.append({"path": path, "before": old.get(path), "after": new.get(path)})
    return changes


_MISSING = object()


def _by_stage(config: dict[str, Any]) -> dict[str, Any]:
    data = dict(config)
    stages = data.pop("stages", [])
    data["stages"] = {
        str(stage.get("name")): {
            "type": stage.get("type"),
            "params": stage.get("params", {}),
        }
        for stage in stages
    }
    data["order"] = ",".join(str(stage.get("name")) for stage in stages)
    return data


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: json.loads(json.dumps(value))}


def _first_errors(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for error in exc.errors()[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "release"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
