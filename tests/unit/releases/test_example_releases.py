"""The example releases load, and the multilingual one stays the default release with only
its generator, the question's translation and the fused search added (so it does not drift
from what the default measures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frontdesk.pipeline.stages.llm_generator import LlmGenerator
from frontdesk.releases.config import ReleaseConfig, default_release

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "releases"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_every_example_release_loads_with_a_valid_generator(path: Path) -> None:
    release = ReleaseConfig.model_validate(json.loads(path.read_text()))
    generate = next(s for s in release.stages if s.name == "generate")
    assert generate.type == "llm_generator"
    LlmGenerator.from_params("generate", dict(generate.params))


def test_the_multilingual_release_is_the_default_with_a_cross_language_model() -> None:
    data = json.loads((EXAMPLES / "local-llm-multilingual.json").read_text())
    release = ReleaseConfig.model_validate(data)
    default = default_release()
    names = [s.name for s in release.stages]
    # the default's stages, and the question's translation right after the context stage
    assert [n for n in names if n != "translate"] == [s.name for s in default.stages]
    assert names.index("translate") == names.index("context") + 1
    translate = next(s for s in release.stages if s.name == "translate")
    assert translate.type == "llm_query_translator"
    theirs = {s.name: s for s in default.stages}
    for mine in release.stages:
        if mine.name not in ("translate", "retrieve", "generate"):
            assert mine == theirs[mine.name], mine.name
    retrieve = next(s for s in release.stages if s.name == "retrieve")
    assert retrieve.params == {**theirs["retrieve"].params, "fuse_untranslated": True}
    generate = next(s for s in release.stages if s.name == "generate")
    assert (
        generate.params["extractive"] == theirs["generate"].params
    )  # same answer in the KB's language
    assert generate.params["use_model"] == "cross_language"
