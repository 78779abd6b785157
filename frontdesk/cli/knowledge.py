"""``frontdesk ingest`` and ``frontdesk knowledge …``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.runtime import Frontdesk
from frontdesk.services.knowledge import IngestReport

knowledge_app = typer.Typer(help="Inspect the knowledge base.", no_args_is_help=True)


def ingest_with_progress(
    frontdesk: Frontdesk, tenant_id: str, paths: list[Path], sync: bool
) -> IngestReport:
    columns = (
        TextColumn("[bold]ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, uri: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(uri).name)

        return frontdesk.knowledge.ingest_paths(tenant_id, paths, sync=sync, progress=progress)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (recursive).")],
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    sync: Annotated[
        bool, typer.Option(help="Also remove documents whose files are gone from the directories.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Ingest Markdown, HTML, text, PDF, FAQ (CSV/JSONL) and resolved tickets (JSONL).

    Unchanged files are skipped (content hash), so re-running is cheap."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        report = ingest_with_progress(frontdesk, tenant_id, paths, sync)
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
    else:
        console.print(
            f"{len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
            f"{len(report.failed)} failed; {report.chunks} chunks indexed."
        )
        for uri, error in report.failed.items():
            console.print(f"[red]failed[/red] {uri}: {error}")
    if report.failed:
        raise typer.Exit(1)


@knowledge_app.command("list")
def knowledge_list(tenant: Annotated[str, typer.Option("--tenant", "-t")]) -> None:
    """List the tenant's documents."""
    with open_frontdesk() as frontdesk:
        documents = frontdesk.knowledge.list_documents(frontdesk.tenants.get_tenant(tenant).id)
    table = Table("id", "kind", "title", "chunks", "updated")
    for document in documents:
        table.add_row(
            document.id,
            document.kind,
            document.title,
            str(document.chunk_count),
            f"{document.updated_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)
