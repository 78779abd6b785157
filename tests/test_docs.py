"""The docs stay true: the README's commands exist and its settings table matches the code;
docs/architecture.md names every package, in the layers import-linter enforces."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text()


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
    for command in sorted(
        set(re.findall(r"^\| `frontdesk ([a-z][a-z-]*(?: [a-z][a-z-]*)?)", README, re.M))
    ):
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


def _top_level_packages() -> set[str]:
    package = ROOT / "frontdesk"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    packages = {p.parent.name for p in package.glob("*/__init__.py")}
    return modules | packages


def test_the_architecture_doc_describes_every_package_and_only_real_ones() -> None:
    documented = re.findall(r"^\| `([a-z_]+)` \|", ARCHITECTURE, re.M)
    assert len(documented) == len(set(documented)), "a package has two rows"
    assert set(documented) == _top_level_packages()


def test_the_architecture_doc_shows_the_layers_the_import_contract_enforces() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    assert contract["exhaustive"] is True
    block = ARCHITECTURE.split("## Layers", 1)[1].split("```", 2)[1]
    assert block.split() == " ".join(contract["layers"]).split()
    layered = {name.strip() for layer in contract["layers"] for name in layer.split("|")}
    assert layered == _top_level_packages()


INTEGRATIONS = (ROOT / "docs" / "integrations.md").read_text()
_SAMPLE_TICKET = {
    "id": "t-1",
    "conversation_id": "c-1",
    "reason": "requested_human",
    "priority": "high",
    "summary": "Customer asks where parcel 4711 is.",
    "conversation": {"turns": [{"role": "customer", "text": "Where is my parcel 4711?"}]},
}


def _json_after(marker: str) -> object:
    block = INTEGRATIONS.split(f"<!-- {marker} -->", 1)[1].split("```json", 1)[1]
    return json.loads(block.split("```", 1)[0])


def test_the_help_desk_recipes_show_exactly_the_requests_the_script_sends() -> None:
    spec = importlib.util.spec_from_file_location(
        "helpdesk_handoff", ROOT / "examples" / "helpdesk_handoff.py"
    )
    assert spec is not None
    assert spec.loader is not None
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    assert _json_after("zendesk-request") == recipe.zendesk_request(_SAMPLE_TICKET)
    assert _json_after("freshdesk-request") == recipe.freshdesk_request(
        _SAMPLE_TICKET, "support-bot@acme.com"
    )


def test_the_integration_commands_in_the_docs_exist() -> None:
    runner = CliRunner()
    commands = set(re.findall(r"frontdesk (integrations chatwoot [a-z]+)", INTEGRATIONS))
    assert commands == {
        "integrations chatwoot configure",
        "integrations chatwoot show",
    }
    for command in [*sorted(commands), "integrations chatwoot remove"]:
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, (command, result.output)
    help_text = runner.invoke(app, ["integrations", "chatwoot", "configure", "--help"]).output
    for option in ("--tenant", "--base-url", "--account-id", "--token", "--secret"):
        assert option in help_text
