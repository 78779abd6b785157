"""``frontdesk ingest`` and ``frontdesk knowledge …``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk, whole
from frontdesk.knowledge.loaders import SUPPORTED
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
            f"{len(report.failed)} failed; {report.chunks} chunks indexed, "
            f"{report.quarantined} quarantined."
        )
        if report.quarantined:
            console.print(
                "Quarantined chunks carry instructions aimed at the assistant and are not "
                "served; review them with: frontdesk knowledge quarantine"
            )
        for uri, error in report.failed.items():
            console.print(f"[red]failed[/red] {uri}: {error}")
        seen = report.added or report.updated or report.unchanged or report.removed
        if not seen and not report.failed:
            # An empty folder, or files of other types: say so instead of "0 added".
            console.print(
                "[yellow]No supported files found[/yellow] in "
                + ", ".join(str(p) for p in paths)
                + f" (supported: {', '.join(sorted(SUPPORTED))})."
            )
    if report.failed:
        raise typer.Exit(1)


@knowledge_app.command("list")
def knowledge_list(tenant: Annotated[str, typer.Option("--tenant", "-t")]) -> None:
    """List the tenant's documents."""
    with open_frontdesk() as frontdesk:
        documents = frontdesk.knowledge.list_documents(frontdesk.tenants.get_tenant(tenant).id)
    table = Table(whole("id"), "kind", "title", "chunks", "updated")
    for document in documents:
        table.add_row(
            document.id,
            document.kind,
            document.title,
            str(document.chunk_count),
            f"{document.updated_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@knowledge_app.command("quarantine")
def knowledge_quarantine(
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
    include_released: Annotated[
        bool, typer.Option("--all", help="Also list chunks already released.")
    ] = False,
) -> None:
    """Chunks held back from answers because they carry instructions aimed at the
    assistant (document_id, chunk_id, reason, score, title, excerpt)."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        held = frontdesk.knowledge.quarantine(tenant_id, include_released=include_released)
    if as_json:
        typer.echo(json.dumps([chunk.to_dict() for chunk in held], ensure_ascii=False))
        return
    table = Table(whole("chunk"), "document", "status", "score", "reason", "excerpt")
    for chunk in held:
        table.add_row(
            chunk.chunk_id,
            chunk.document_uri,
            chunk.status,
            "" if chunk.score is None else f"{chunk.score:.2f}",
            chunk.reason,
            chunk.excerpt[:80],
        )
    console.print(table)


@knowledge_app.command("release")
def knowledge_release(
    chunk_id: Annotated[str, typer.Argument(help="The chunk's id, from knowledge quarantine.")],
    tenant: Annotated[str, typer.Option("--tenant", "-t")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the chunk as JSON.")] = False,
) -> None:
    """After review, serve a quarantined chunk in answers."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        chunk = frontdesk.knowledge.release(tenant_id, chunk_id, reviewer="cli")
    if as_json:
        typer.echo(json.dumps(chunk.to_dict(), ensure_ascii=False))
    else:
        console.print(f"Released chunk {chunk.chunk_id} of {chunk.document_uri}.")
