"""``frontdesk eval``: run a labelled question set through a release, storing nothing."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.errors import InvalidInputError
from frontdesk.evaluation import (
    EvalRunner,
    RowResult,
    database_sources,
    load_rows,
    select_split,
    summarize,
)
from frontdesk.releases.config import ReleaseConfig, default_release
from frontdesk.releases.models import tenant_models


class SplitChoice(StrEnum):
    dev = "dev"
    test = "test"


def evaluate(
    file: Annotated[
        Path,
        typer.Argument(
            help="JSONL rows {id, text, expect: answer|decline|handoff, must_include, "
            "must_not_include, gold_docs, kind, lang, split, turns}."
        ),
    ],
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    release: Annotated[
        str | None,
        typer.Option(
            help="'default' or a release JSON file; without it, the release the server runs "
            "(FRONTDESK_RELEASE_FILE or the default)."
        ),
    ] = None,
    split: Annotated[SplitChoice | None, typer.Option(help="Only the rows of this split.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write one JSON line per row (reply, outcome, citations, why)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as one JSON object (last line).")
    ] = False,
) -> None:
    """Answer every row with the full pipeline, in-process, without storing conversations
    or tickets, and report accuracy, answered precision, false declines, escalation, leaks,
    citation hits and latency, overall and per kind. A malformed FILE changes nothing."""
    rows = select_split(load_rows(file), None if split is None else split.value)
    config = None if release is None else release_from(release)
    with open_frontdesk(warm=True, release=config, complete_indexes=True) as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        runner = EvalRunner(
            frontdesk.pipeline,
            database_sources(frontdesk.database),
            frontdesk.settings.max_message_chars,
        )
        runner.check(rows)
        columns = (
            TextColumn("[bold]eval"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(
            *columns, console=console, transient=True, disable=not console.is_terminal
        ) as bar:
            task = bar.add_task("eval", total=len(rows))
            results = runner.run(tenant_id, rows, lambda _: bar.advance(task))
        used = frontdesk.release
        models = tenant_models(frontdesk.database, tenant_id)
    report = summarize(results)
    # The tenant's own models are named with the release: a published figure says which
    # intent model and retrieval adapter produced it (``releases/models.py``).
    report["release"] = {
        "id": used.id,
        "version": used.version,
        "digest": used.digest,
        "models": models,
    }
    report["split"] = None if split is None else split.value
    if out is not None:
        write_results(out, results)
    if as_json:
        typer.echo(json.dumps(report))
        return
    show(report, results)


def release_from(value: str) -> ReleaseConfig:
    """``default`` or the path of a release JSON file."""
    if value == "default":
        return default_release()
    path = Path(value)
    try:
        return ReleaseConfig.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InvalidInputError(
            f"--release {value}: not 'default' and not a readable release file ({exc.strerror})",
            field="release",
        ) from exc
    except ValidationError as exc:
        raise InvalidInputError(
            f"--release {value} is not a valid release: {exc}", field="release"
        ) from exc


def write_results(path: Path, results: list[RowResult]) -> None:
    lines = [json.dumps(result.to_dict(), ensure_ascii=False) for result in results]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def show(report: dict[str, Any], results: list[RowResult]) -> None:
    release = report["release"]
    table = Table("metric", "value", title=f"release {release['id']} v{release['version']}")
    for key in (
        "n",
        "accuracy",
        "answered",
        "answered_precision",
        "answered_unexpected",
        "false_decline_rate",
        "escalation_rate",
        "answerable_escalation_rate",
        "leaks",
        "citation_hit",
        "p50_ms",
        "p95_ms",
    ):
        table.add_row(key, _cell(report[key]))
    console.print(table)
    kinds = Table("kind", "n", "accuracy", "answered", "handoffs", "leaks")
    for kind, row in report["by_kind"].items():
        kinds.add_row(
            kind,
            *(_cell(row[k]) for k in ("n", "accuracy", "answered", "handoffs")),
            _cell(row["leaks"]),
        )
    console.print(kinds)
    failures = [r for r in results if not r.correct]
    if failures:
        console.print(f"[bold]{len(failures)} failed[/bold]")
    for result in failures:
        console.print(
            f"[red]✗[/red] {escape(result.row.id)} [dim]({result.row.kind})[/dim] "
            f"{escape(result.row.text[:80])}\n    {escape(result.why)}"
        )


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)
