"""The README stays true: its commands exist and its settings table matches the code."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_first_screen_gives_make_run_and_make_test() -> None:
    first_screen = "\n".join(README.splitlines()[:25])
    assert "make run" in first_screen
    assert "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    documented = set(re.findall(r"`FRONTDESK_([A-Z_]+)`", README))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields <= documented
    assert documented <= fields


def test_every_command_in_the_readme_table_exists() -> None:
    runner = CliRunner()
    for command in sorted(set(re.findall(r"^\| `frontdesk ([a-z]+(?: [a-z]+)?)", README, re.M))):
        words = command.split()
        if words[0] in {"tenants", "keys"} and len(words) == 1:
            continue
        result = runner.invoke(app, [*words, "--help"])
        assert result.exit_code == 0, (command, result.output)


def test_every_example_release_builds(tmp_path: Path) -> None:
    """The shipped example releases load and every stage builds (nothing is started)."""
    from frontdesk.providers.registry import load_registry
    from frontdesk.providers.resources import Resources
    from frontdesk.releases.config import ReleaseConfig
    from frontdesk.storage.db import Database

    settings = Settings(
        _env_file=None, data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}"
    )
    registry = load_registry()
    examples = sorted((ROOT / "examples" / "releases").glob("*.json"))
    assert examples
    for path in examples:
        release = ReleaseConfig.model_validate_json(path.read_bytes())
        database = Database(settings)
        try:
            pipeline = registry.build_pipeline(release, Resources(settings, database))
            assert [stage.name for stage in pipeline.stages] == [s.name for s in release.stages]
            pipeline.close()
        finally:
            database.dispose()
