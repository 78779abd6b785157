"""What an admin reads from the command line: ids that later commands take are printed
whole on an 80-column terminal, a key can be revoked by the prefix as listed, wrong
option combinations name the options, and ``--help`` reads as sentences."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.cli.main import app
from frontdesk.errors import FrontdeskError

NARROW = {"COLUMNS": "80"}


def _run(cli_env: dict[str, str], *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), env={**cli_env, **NARROW})
    if isinstance(result.exception, FrontdeskError):
        # What frontdesk.cli.main.run prints, with exit code 2.
        assert code == 2, (args, result.exception)
        return f"error: {result.exception.message}"
    assert result.exit_code == code, (args, result.output, result.exception)
    return result.output


def test_ids_are_whole_on_a_narrow_terminal_and_the_listed_prefix_revokes(
    cli_env: dict[str, str],
) -> None:
    _run(cli_env, "init")
    _run(cli_env, "tenants", "create", "acme")
    created = _run(cli_env, "keys", "create", "--tenant", "acme", "--role", "agent")
    key_id = re.search(r"\(id ([0-9a-f]{32})\)", created)
    assert key_id is not None

    listed = _run(cli_env, "keys", "list", "--tenant", "acme")
    assert key_id.group(1) in listed
    # Role and state are words, not "ag…" and "ac…".
    assert re.search(r"\bagent\b", listed)
    assert re.search(r"\bactive\b", listed)
    prefix = re.search(r"fdk_[A-Za-z0-9_-]{8}…", listed)
    assert prefix is not None, listed
    as_json = json.loads(_run(cli_env, "keys", "list", "--tenant", "acme", "--json"))
    assert [(k["id"], k["active"]) for k in as_json] == [(key_id.group(1), True)]

    # The prefix as the table shows it, ellipsis and all.
    _run(cli_env, "keys", "revoke", "--tenant", "acme", prefix.group(0))
    after = json.loads(_run(cli_env, "keys", "list", "--tenant", "acme", "--all", "--json"))
    assert [k["active"] for k in after] == [False]


def test_document_ids_are_whole_in_the_knowledge_list(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    _run(cli_env, "init")
    _run(cli_env, "tenants", "create", "acme")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-rather-long-article-name-about-pickups.md").write_text(
        "# Schedule a pickup with a rather long title\n\nPickups cost €3.50 on Basic.\n"
    )
    _run(cli_env, "ingest", str(docs), "--tenant", "acme")
    listed = _run(cli_env, "knowledge", "list", "--tenant", "acme")
    assert re.search(r"\b[0-9a-f]{32}\b", listed), listed


def test_privacy_commands_name_their_options_when_misused(cli_env: dict[str, str]) -> None:
    _run(cli_env, "init")
    _run(cli_env, "tenants", "create", "acme")
    for args in (
        ("privacy", "erase", "--tenant", "acme"),
        ("privacy", "erase", "--tenant", "acme", "--customer", "c1", "--conversation", "x"),
    ):
        output = _run(cli_env, *args, code=2)
        assert "--customer, --conversation or --identifier" in output
        assert "customer_id" not in output
    for args in (
        ("privacy", "export", "--tenant", "acme"),
        ("privacy", "export", "--tenant", "acme", "--customer", "c1", "--identifier", "a@b.c"),
    ):
        output = _run(cli_env, *args, code=2)
        assert "--customer or --identifier" in output
        assert "conversation" not in output


def test_help_reads_as_sentences() -> None:
    output = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    # The docstring is wrapped in the source; the help must not break where it does.
    assert "and load the demo help center" in output
    assert "as they land" not in output


def test_demo_prints_where_the_dashboard_is(cli_env: dict[str, str], tmp_path: Path) -> None:
    empty = tmp_path / "no-knowledge"
    empty.mkdir()
    output = _run(cli_env, "demo", "--knowledge", str(empty))
    assert "/console" in output
    assert "/dashboard" in output


def test_demo_links_point_at_the_port_serve_is_given(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """make run passes one port to demo and serve: the links printed first are right."""
    empty = tmp_path / "no-knowledge"
    empty.mkdir()
    output = _run(cli_env, "demo", "--knowledge", str(empty), "--port", "8028")
    links = re.findall(r"http://[^\s/']+", output)
    assert len(links) > 3, output
    assert set(links) == {"http://127.0.0.1:8028"}, output
    everywhere = _run(cli_env, "demo", "--knowledge", str(empty), "--host", "0.0.0.0")
    assert set(re.findall(r"http://[^\s/']+", everywhere)) == {"http://127.0.0.1:8000"}


def test_make_run_gives_demo_and_serve_the_same_port() -> None:
    makefile = (Path(__file__).resolve().parents[3] / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "frontdesk demo --port $(PORT)" in recipe
    assert "frontdesk serve --port $(PORT)" in recipe


def test_ingesting_a_folder_with_nothing_to_load_says_so(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    _run(cli_env, "init")
    _run(cli_env, "tenants", "create", "acme")
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"not a supported type")
    output = _run(cli_env, "ingest", str(folder), "--tenant", "acme")
    assert "No supported files found" in output
    assert ".md" in output
