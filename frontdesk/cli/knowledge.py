"""``frontdesk ingest`` and ``frontdesk knowledge …``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk, whole
from frontdesk.knowledge.adapt.training import AdaptOptions
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


@knowledge_app.command("adapt")
def knowledge_adapt(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    revert: Annotated[
        bool, typer.Option("--revert", help="Go back to the base encoder (no training).")
    ] = False,
    activate: Annotated[
        str | None,
        typer.Option(help="Use this stored adapter again (a version prefix; no training)."),
    ] = None,
    epochs: Annotated[float, typer.Option(min=0.01, help="Passes over the pairs.")] = 3.0,
    max_steps: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many training steps.")
    ] = None,
    min_gain: Annotated[
        float,
        typer.Option(help="Activate only when held-out nDCG@10 rises by more than this."),
    ] = 0.0,
) -> None:
    """Fine-tune the retrieval encoder on the tenant's own pairs (FAQ questions, resolved
    tickets, thumbs-up answers) and use it for the tenant's search only if held-out
    nDCG@10 improves (minutes; needs frontdesk[train]). Too few pairs changes nothing."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        adaptation = frontdesk.adaptation
        if revert or activate is not None:
            if revert and activate is not None:
                console.print("[red]error:[/red] give --revert or --activate, not both")
                raise typer.Exit(2)
            switched = (
                adaptation.revert(tenant_id)
                if revert
                else adaptation.activate(tenant_id, str(activate))
            )
            state = {"active": None if revert or switched is None else switched.version}
            if as_json:
                typer.echo(json.dumps(state))
            elif revert:
                was = "" if switched is None else f" (was {switched.version[:12]})"
                console.print(f"Tenant {tenant} searches with the base encoder{was}.")
            else:
                console.print(f"Tenant {tenant} searches with adapter {state['active']:.12}.")
            return
        adaptation.check(tenant_id)  # too few pairs: refused before anything loads
        options = AdaptOptions(epochs=epochs, max_steps=max_steps)
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("collecting pairs", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total or None)

            report = adaptation.adapt(tenant_id, options, min_gain, progress)
    if as_json:
        typer.echo(json.dumps(report.to_dict()))
        return
    verdict = (
        f"activated as adapter {report.version:.12}"
        if report.activated and report.version
        else "not activated: the tenant keeps the base encoder"
    )
    console.print(
        f"{report.pairs} pairs ({report.heldout} questions held out); held-out nDCG@10 "
        f"{report.base_ndcg:.4f} base -> {report.adapted_ndcg:.4f} adapted (dense alone "
        f"{report.dense_base_ndcg:.4f} -> {report.dense_adapted_ndcg:.4f}); {verdict}; "
        f"{report.seconds:.0f} s."
    )


@knowledge_app.command("adapters")
def knowledge_adapters(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """The tenant's stored retrieval adapters, newest first, and which one is active."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        adapters = frontdesk.adaptation.adapters(tenant_id)
    if as_json:
        rows = [
            {
                "version": a.version,
                "active": a.active,
                "created_at": a.created_at.isoformat(),
                "base_ndcg": a.report.get("base_ndcg"),
                "adapted_ndcg": a.report.get("adapted_ndcg"),
            }
            for a in adapters
        ]
        typer.echo(json.dumps(rows))
        return
    table = Table(whole("version", 64), "created", "base nDCG", "adapted nDCG", "active")
    for a in adapters:
        table.add_row(
            a.version,
            f"{a.created_at:%Y-%m-%d %H:%M}",
            str(a.report.get("base_ndcg", "")),
            str(a.report.get("adapted_ndcg", "")),
            "active" if a.active else "",
        )
    console.print(table)
    if not any(a.active for a in adapters):
        console.print("No adapter is active: the tenant searches with the base encoder.")
