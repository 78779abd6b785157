"""Release documents: YAML or JSON in, secrets refused, changed parameters diffed."""

from __future__ import annotations

import json

import pytest
import yaml

from frontdesk.errors import InvalidInputError
from frontdesk.releases.config import default_release
from frontdesk.releases.document import diff, export_document, parse_document, refuse_secrets


def _document(**changes: object) -> dict:
    data = default_release().model_dump(mode="json")
    data.update(changes)
    return data


def test_yaml_and_json_give_the_same_release() -> None:
    data = _document(id="strict")
    from_json, _ = parse_document(json.dumps(data))
    from_yaml, _ = parse_document(yaml.safe_dump(data))
    assert from_json == from_yaml
    assert from_json.digest == from_yaml.digest


def test_the_gate_is_read_beside_the_release_and_exported_with_it() -> None:
    config, gate = parse_document(json.dumps(_document(gate={"max_accuracy_drop": 0.05})))
    assert gate.max_accuracy_drop == 0.05
    assert gate.max_leaks == 0
    exported = export_document(config.model_dump(mode="json"), gate.model_dump())
    again, again_gate = parse_document(json.dumps(exported))
    assert again == config
    assert again_gate == gate


@pytest.mark.parametrize(
    "params",
    [
        {"api_key": "abc123"},
        {"providers": [{"name": "x", "token": "t0ps3cret"}]},
        {"extra": "sk-abcdefghijklmnopqrstuvwx"},
    ],
)
def test_a_secret_value_is_refused_with_its_place(params: dict) -> None:
    data = _document()
    data["stages"][0]["params"].update(params)
    with pytest.raises(InvalidInputError, match=r"secret|API key"):
        parse_document(json.dumps(data))


def test_a_reference_to_a_secret_is_fine_and_max_tokens_is_no_token() -> None:
    refuse_secrets({"api_key_env": "OPENAI_API_KEY", "max_tokens": 200, "budget_tokens": 64})
    refuse_secrets({"providers": [{"name": "local", "api_key": None}]})


@pytest.mark.parametrize("text", ["", "- a list", "{not yaml", "id: x\nstages: []"])
def test_malformed_documents_get_a_clear_message(text: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_document(text)


def test_diff_names_changed_parameters_by_stage() -> None:
    before = default_release().model_dump(mode="json")
    after = json.loads(json.dumps(before))
    after["id"] = "strict"
    for stage in after["stages"]:
        if stage["name"] == "decide":
            stage["params"]["threshold"] = 0.9
        if stage["name"] == "retrieve":
            stage["params"]["top_k"] = 8
    changes = {c["path"]: (c["before"], c["after"]) for c in diff(before, after)}
    shipped = next(s for s in before["stages"] if s["name"] == "decide")["params"]["threshold"]
    assert changes == {
        "id": ("default", "strict"),
        "stages.decide.params.threshold": (shipped, 0.9),
        "stages.retrieve.params.top_k": (5, 8),
    }
    assert diff(before, before) == []


def test_diff_shows_added_and_removed_stages_and_reordering() -> None:
    before = default_release().model_dump(mode="json")
    after = json.loads(json.dumps(before))
    smalltalk = after["stages"].pop(1)
    after["stages"].append(smalltalk)
    after["stages"].append({"name": "extra", "type": "smalltalk", "params": {"replies": {}}})
    paths = {c["path"] for c in diff(before, after)}
    assert "order" in paths
    assert "stages.extra.type" in paths
