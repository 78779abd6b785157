"""Releases are data; the registry builds pipelines from them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontdesk.errors import ConfigurationError
from frontdesk.providers.registry import load_registry
from frontdesk.releases.config import ReleaseConfig, default_release


def test_a_release_round_trips_through_json_with_a_stable_digest() -> None:
    release = default_release()
    again = ReleaseConfig.model_validate_json(release.model_dump_json())
    assert again == release
    assert again.digest == release.digest


def test_changing_a_parameter_changes_the_digest() -> None:
    data = default_release().model_dump()
    data["stages"][-1]["params"]["min_confidence"] = 0.9
    assert ReleaseConfig.model_validate(data).digest != default_release().digest


def test_unknown_fields_and_duplicate_stages_are_refused() -> None:
    data = default_release().model_dump()
    with pytest.raises(ValidationError):
        ReleaseConfig.model_validate({**data, "surprise": 1})
    with pytest.raises(ValidationError, match="unique"):
        ReleaseConfig.model_validate({**data, "stages": data["stages"] * 2})


def test_built_ins_register_through_the_entry_point() -> None:
    registry = load_registry()
    for spec in default_release().stages:
        assert spec.type in registry.factories


def test_an_unknown_component_or_parameter_is_a_configuration_error(tmp_path) -> None:
    from frontdesk.providers.resources import Resources
    from frontdesk.settings import Settings
    from frontdesk.storage.db import Database

    settings = Settings(_env_file=None, data_dir=tmp_path)
    resources = Resources(settings, Database(settings))
    registry = load_registry()
    with pytest.raises(ConfigurationError, match="unknown component type 'nope'"):
        registry.build_stage("x", "nope", {}, resources)
    with pytest.raises(ConfigurationError, match="decide"):
        registry.build_stage("decide", "threshold_decider", {"min_confidence": 7}, resources)
    with pytest.raises(ConfigurationError, match="decide"):
        registry.build_stage("decide", "threshold_decider", {"typo": 1}, resources)
    resources.database.dispose()


def test_a_release_file_replaces_the_default(tmp_path) -> None:
    from frontdesk.releases.config import load_release
    from frontdesk.settings import Settings

    data = default_release().model_dump()
    data["id"], data["version"] = "custom", 7
    path = tmp_path / "release.json"
    path.write_text(ReleaseConfig.model_validate(data).model_dump_json())
    assert load_release(Settings(_env_file=None, release_file=path)).id == "custom"
    assert load_release(Settings(_env_file=None)).id == "default"
    path.write_text('{"id": "x"}')
    with pytest.raises(ConfigurationError, match="not a valid release"):
        load_release(Settings(_env_file=None, release_file=path))
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_release(Settings(_env_file=None, release_file=tmp_path / "missing.json"))
