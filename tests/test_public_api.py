"""The public Python API is pinned: changing it is a deliberate act."""

from __future__ import annotations

import frontdesk


def test_exported_members() -> None:
    assert sorted(frontdesk.__all__) == [
        "Frontdesk",
        "FrontdeskError",
        "ReleaseConfig",
        "Settings",
        "StageSpec",
        "default_release",
    ]
    for name in frontdesk.__all__:
        assert getattr(frontdesk, name) is not None
