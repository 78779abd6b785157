"""Release documents for tests and benchmarks of the registry and rollouts."""

from __future__ import annotations

import json
from typing import Any

from frontdesk.releases.config import default_release


def release_document(name: str, **stage_params: dict[str, Any]) -> dict[str, Any]:
    """The default release renamed ``name``, with some stages' params updated."""
    data = default_release().model_dump(mode="json")
    data["id"] = name
    for stage in data["stages"]:
        stage["params"].update(stage_params.get(stage["name"], {}))
    return data


def stage_param(document: dict[str, Any], stage: str, name: str) -> Any:
    """One stage parameter of a release document (e.g. the shipped decide threshold)."""
    return next(s for s in document["stages"] if s["name"] == stage)["params"][name]


def llm_document(name: str, base_url: str, **provider: Any) -> dict[str, Any]:
    """The default release answering with an LLM at ``base_url`` and no other provider
    (when it fails the generator falls back to extractive: a rollout counts an error)."""
    data = release_document(name)
    for stage in data["stages"]:
        if stage["name"] == "generate":
            stage["type"] = "llm_generator"
            stage["params"] = {
                "providers": [{"name": "only", "base_url": base_url, **provider}],
            }
    return data


def as_text(data: dict[str, Any]) -> str:
    return json.dumps(data)
