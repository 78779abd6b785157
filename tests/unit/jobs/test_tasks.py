"""Named tasks: the registry and how slices' results add up."""

from __future__ import annotations

import pytest

from frontdesk.errors import ConfigurationError
from frontdesk.jobs.tasks import Slice, TaskRegistry, TaskSpec, merge_results


def test_slices_results_add_up() -> None:
    first = {"added": ["a.md"], "chunks": 3, "failed": {}, "stripped": {"zw": 1}, "v": "x"}
    second = {"added": ["b.md"], "chunks": 2, "failed": {"c.pdf": "too many pages"}, "v": "y"}
    assert merge_results(first, second) == {
        "added": ["a.md", "b.md"],
        "chunks": 5,
        "failed": {"c.pdf": "too many pages"},
        "stripped": {"zw": 1},
        "v": "y",
    }


def test_an_unknown_task_names_the_known_ones() -> None:
    registry = TaskRegistry()
    registry.register("ingest", TaskSpec(lambda context, payload: Slice({})))
    with pytest.raises(ConfigurationError, match="known: ingest"):
        registry.get("reindex")
