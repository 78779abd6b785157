"""The ``frontdesk`` command line."""

from __future__ import annotations

import inspect
import sys

import typer

from frontdesk.cli import (
    admin,
    ask,
    audit,
    export,
    guard,
    integrations,
    intents,
    knowledge,
    migrate,
    privacy,
    releases,
    server,
    stats,
    worker,
)
from frontdesk.cli import eval as eval_cli
from frontdesk.cli.context import console
from frontdesk.errors import FrontdeskError

app = typer.Typer(
    name="frontdesk",
    help="Self-hostable AI customer support.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(server.init)
app.command()(server.serve)
app.command()(server.demo)
app.command()(ask.ask)
app.command(name="eval")(eval_cli.evaluate)
app.command()(knowledge.ingest)
app.command()(stats.stats)
app.command()(worker.worker)
app.command(name="migrate-to")(migrate.migrate_to)
app.add_typer(knowledge.knowledge_app, name="knowledge")
app.add_typer(export.export_app, name="export")
app.add_typer(guard.guard_app, name="guard")
app.add_typer(intents.intents_app, name="intents")
app.add_typer(admin.tenants_app, name="tenants")
app.add_typer(admin.keys_app, name="keys")
app.add_typer(privacy.privacy_app, name="privacy")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(releases.releases_app, name="releases")
app.add_typer(releases.rollout_app, name="rollout")
app.add_typer(integrations.integrations_app, name="integrations")


def _unwrap(doc: str) -> str:
    """A docstring's paragraphs each on one line: rich help keeps single line breaks, so
    source-wrapped docstrings would break mid-sentence in ``--help``."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _unwrap_help(typer_app: typer.Typer) -> None:
    for command in typer_app.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = _unwrap(command.callback.__doc__)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _unwrap_help(group.typer_instance)


_unwrap_help(app)


def run() -> None:
    """Entry point: Frontdesk errors become a one-line message and exit code 2."""
    try:
        app()
    except FrontdeskError as exc:
        console.print(f"[red]error:[/red] {exc.message}")
        sys.exit(2)
