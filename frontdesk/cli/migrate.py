"""``frontdesk migrate-to``: move an embedded install into PostgreSQL, verified."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from frontdesk.cli.context import console
from frontdesk.errors import InvalidInputError
from frontdesk.knowledge.pg_index import PgKnowledge
from frontdesk.providers.resources import Resources
from frontdesk.retrieval.hybrid import HybridOptions
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.storage.repos import knowledge as knowledge_repo
from frontdesk.storage.transfer import TransferReport, copy_database


def _report(report: TransferReport) -> None:
    table = Table("table", "source rows", "target rows", "checksum", title="Copied and verified")
    for check in report.tables:
        same = check.source_checksum == check.target_checksum
        table.add_row(
            check.name,
            str(check.source_rows),
            str(check.target_rows),
            "[green]match[/green]" if same else "[red]differs[/red]",
        )
    console.print(table)
    if report.unknown:
        console.print(
            "[yellow]not copied[/yellow] (tables this version does not know): "
            + ", ".join(report.unknown)
        )


def _build_search(settings: Settings, database: Database) -> None:
    """Fill the target's search tables now, so its first customer does not wait for it."""
    resources = Resources(settings, database)
    try:
        backend = resources.knowledge(HybridOptions(), multilingual=False).backend
        if not isinstance(backend, PgKnowledge):
            console.print(
                "[yellow]search runs in process on the target[/yellow]: its PostgreSQL has no "
                "pgvector (install pgvector >= 0.8 to search inside PostgreSQL)"
            )
            return
        with database.transaction() as session:
            tenant_ids = knowledge_repo.tenants_with_knowledge(session, limit=1_000_000)
        resources.embedder().warm_up()
        for tenant_id in tenant_ids:
            backend.sync(tenant_id)
        console.print(f"search rows built in PostgreSQL for {len(tenant_ids)} tenants")
    finally:
        resources.local_models.close()


def migrate_to(
    url: Annotated[str, typer.Argument(help="The target: postgresql://user:pass@host/db")],
    replace: Annotated[
        bool,
        typer.Option(help="Delete the Frontdesk data a non-empty target holds before copying."),
    ] = False,
    search: Annotated[
        bool, typer.Option(help="Build the target's search tables after the copy.")
    ] = True,
) -> None:
    """Copy this install's database (FRONTDESK_DATABASE_URL, by default the embedded
    SQLite file) into PostgreSQL: migrate the target, copy every table, verify row counts
    and checksums per table. Stop `frontdesk serve` first; point it at URL afterwards."""
    if not url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raise InvalidInputError(
            f"{url.split('://')[0]}:// is not a PostgreSQL URL: give postgresql://user@host/db",
            field="url",
        )
    settings = Settings()
    target_settings = settings.model_copy(update={"database_url": url})
    if settings.resolved_database_url == target_settings.resolved_database_url:
        raise InvalidInputError("the target is this install's own database", field="url")
    source, target = Database(settings), Database(target_settings)
    try:
        with console.status("copying…") as status:
            report = copy_database(
                source,
                target,
                replace=replace,
                progress=lambda table, rows: status.update(f"copying {table}: {rows} rows"),
            )
        _report(report)
        if not report.verified:
            differing = [check.name for check in report.tables if not check.verified]
            console.print(f"[red]error:[/red] the copy differs in {', '.join(differing)}")
            raise typer.Exit(1)
        console.print(
            f"[green]{report.rows} rows in {len(report.tables)} tables copied and verified[/green]"
        )
        if search:
            _build_search(target_settings, target)
        console.print("Next: set FRONTDESK_DATABASE_URL to the target and start Frontdesk.")
    finally:
        source.dispose()
        target.dispose()
