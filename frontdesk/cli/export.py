"""``frontdesk export …``: a tenant's data in formats other tools read."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.finetune import FORMATS, read_eval_texts
from frontdesk.finetune.export import ExportReport, export_finetune, stored_eval_texts

export_app = typer.Typer(help="Export a tenant's data for other tools.", no_args_is_help=True)


@export_app.command("finetune")
def finetune(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    format_name: Annotated[
        str, typer.Option("--format", "-f", help="openai-chat or sharegpt.")
    ] = "openai-chat",
    eval_file: Annotated[
        Path | None,
        typer.Option(
            "--eval",
            help="An evaluation set (JSONL or CSV with text or question) whose questions "
            "must not be trained on; the tenant's stored eval set is always checked too.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the JSONL here, not to stdout.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as one JSON line on stderr.")
    ] = False,
) -> None:
    """Chat JSONL for fine-tuning an LLM, from resolved tickets and approved answers.

    Rows come from promoted FAQ entries, answers rated thumbs-up, resolved handoffs and
    ingested resolved tickets; PII is redacted by the release's input guard; the system
    message holds the passages the release would retrieve. Repeated questions and any that
    match an evaluation row (exactly or nearly) are dropped and counted. A bad argument
    writes nothing."""
    if format_name not in FORMATS:
        console.print(f"[red]error:[/red] --format must be {' or '.join(FORMATS)}")
        raise typer.Exit(2)
    eval_texts = read_eval_texts(eval_file) if eval_file is not None else []
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        eval_texts += stored_eval_texts(frontdesk.database, tenant_id)
        rows, report = export_finetune(
            frontdesk.database, frontdesk.pipeline, tenant_id, tenant, format_name, eval_texts
        )
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if out is None:
        typer.echo(lines, nl=False)
    else:
        _write_atomically(out, lines)
    if as_json:
        typer.echo(json.dumps(report.to_dict()), err=True)
    else:
        console.print(_summary(report, out))


def _write_atomically(path: Path, text: str) -> None:
    """A failed write leaves no partial file (and an earlier one untouched)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _summary(report: ExportReport, out: Path | None) -> str:
    names = {"faq": "promoted FAQ", "thumbs": "thumbs-up", "handoff": "handoff", "ticket": "ticket"}
    parts: list[Any] = [f"{n} {names[k]}" for k, n in report.by_source.items() if n]
    where = f" to {out}" if out is not None else ""
    return (
        f"Wrote {report.rows_written} {report.format} rows{where} "
        f"({', '.join(parts) or 'none'}) from {report.candidates} approved pairs; dropped "
        f"{report.duplicates_dropped} duplicates, {report.leaks_dropped} matching the eval set "
        f"({report.eval_rows} rows), {report.unredacted_dropped} the guard could not redact; "
        f"PII redacted in {report.pii_redacted}."
    )
