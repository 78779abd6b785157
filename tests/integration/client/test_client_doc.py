"""The first example of docs/client.md runs as written against a real server."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from frontdesk.api.app import create_app
from frontdesk.runtime import Frontdesk
from frontdesk.testing.http import serve

DOC = Path(__file__).resolve().parents[3] / "docs" / "client.md"


def test_the_documented_example_runs(
    frontdesk: Frontdesk, acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)[0]
    with serve(create_app(instance=frontdesk)) as url:
        monkeypatch.setenv("FRONTDESK_URL", url)
        monkeypatch.setenv("FRONTDESK_KEY", acme.widget)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(example, str(DOC), "exec"), {})  # our own doc, run as written
    lines = printed.getvalue().splitlines()
    assert lines[-1] == "422 invalid_input score", lines
    assert len(lines) == 3
