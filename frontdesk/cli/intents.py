"""``frontdesk intents …``: train, evaluate, list and roll back intent models."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.intents.encoder_tuning import FineTuneOptions

intents_app = typer.Typer(help="Train and manage the intent model.", no_args_is_help=True)
TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
FileArgument = Annotated[
    Path, typer.Argument(help="CSV or JSONL with text,label rows (label oos = out of scope).")
]


@intents_app.command("train")
def train(
    file: FileArgument,
    tenant: TenantOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the training report.")] = False,
    fine_tune: Annotated[
        bool,
        typer.Option(
            "--fine-tune",
            help="Adapt the sentence encoder to FILE too (minutes; needs frontdesk[train]).",
        ),
    ] = False,
    objective: Annotated[
        str, typer.Option(help="Fine-tuning objective: classify or contrastive.")
    ] = "classify",
    epochs: Annotated[float, typer.Option(min=0.01, help="Fine-tuning epochs.")] = 1.0,
) -> None:
    """Train on FILE and make the model active. A bad file changes nothing; exact
    duplicates (same text, same label) are merged with a warning."""
    if objective not in ("classify", "contrastive"):
        console.print("[red]error:[/red] --objective must be classify or contrastive")
        raise typer.Exit(2)
    tuning = (
        FineTuneOptions(
            objective="classify" if objective == "classify" else "contrastive", epochs=epochs
        )
        if fine_tune
        else None
    )
    merged: list[tuple[int, int]] = []

    def warn(duplicates: tuple[tuple[int, int], ...]) -> None:
        merged.extend(duplicates)
        shown = ", ".join(f"row {row} (= row {first})" for row, first in duplicates[:5])
        more = f" and {len(duplicates) - 5} more" if len(duplicates) > 5 else ""
        console.print(
            f"[yellow]warning:[/yellow] merged {len(duplicates)} exact duplicate"
            f"{'s' if len(duplicates) != 1 else ''} (same text, same label): {shown}{more}"
        )

    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("training", total=None)

            def progress(stage: str, done: int, total: int) -> None:
                bar.update(task, description=stage, completed=done, total=total or None)

            info = frontdesk.intents.train_file(tenant_id, file, progress, tuning, warn)
    if as_json:
        result = {"version": info.version, "report": info.report, "duplicates_merged": len(merged)}
        typer.echo(json.dumps(result, default=str))
        return
    report = info.report
    console.print(
        f"Model {info.version[:12]} is active: {report['examples']} examples, "
        f"held-out accuracy {report['heldout_accuracy']:.3f}, "
        f"macro-F1 {report['heldout_macro_f1']:.3f}, ECE {report['heldout_ece']:.3f}, "
        f"trained in {report['train_seconds']:.1f} s."
    )
    tuned = report.get("fine_tune")
    if tuned:
        console.print(
            f"Encoder fine-tuned ({tuned['objective']}, {tuned['steps']} steps, "
            f"{tuned['encoder_seconds']:.0f} s), stored as {tuned['precision']} ONNX "
            f"({tuned['encoder_bytes'] / 1e6:.1f} MB) with the model."
        )


@intents_app.command("eval")
def evaluate(
    file: FileArgument,
    tenant: TenantOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Evaluate the active model on any labelled FILE, every row as it is.

    ``accuracy`` is what the product ships (low-confidence messages rejected as out of
    scope); ``closed_set_accuracy`` scores in-scope messages by the best intent alone, as
    closed-set benchmarks are published; ``false_rejection_rate`` is the share of in-scope
    messages rejected."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        report: dict[str, object] = asdict(frontdesk.intents.evaluate_file(tenant_id, file))
    if not report["oos_examples"]:
        for key in ("in_scope_accuracy", "oos_recall", "oos_precision"):
            report.pop(key, None)
    report["shipped_metric"] = "accuracy"
    if as_json:
        typer.echo(json.dumps(report))
        return
    table = Table("metric", "value")
    for key, value in report.items():
        table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)
    console.print(
        f"The product ships 'accuracy': messages below confidence "
        f"{report['rejection_threshold']:.3f} are answered as out of scope "
        f"({report['false_rejection_rate']:.1%} of in-scope messages here). "
        f"'closed_set_accuracy' ({report['closed_set_accuracy']:.4f}) never rejects, "
        "as closed-set benchmarks such as BANKING77 are published."
    )


@intents_app.command("list")
def list_intents(tenant: TenantOption) -> None:
    """The active model's intents with example counts and held-out accuracy."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        intents = frontdesk.intents.intents(tenant_id)
        models = frontdesk.intents.models(tenant_id)
    table = Table("intent", "examples", "held-out", "held-out accuracy")
    for intent in intents:
        accuracy = "" if intent.heldout_accuracy is None else f"{intent.heldout_accuracy:.3f}"
        table.add_row(intent.name, str(intent.examples), str(intent.heldout_examples), accuracy)
    console.print(table)
    for model in models:
        marker = "active" if model.active else ""
        console.print(f"{model.version[:12]}  {model.created_at:%Y-%m-%d %H:%M}  {marker}")


@intents_app.command("activate")
def activate(
    version: Annotated[str, typer.Argument(help="A model version (see intents list).")],
    tenant: TenantOption,
) -> None:
    """Make an earlier (or newer) model active: rollback without retraining."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        matches = [m for m in frontdesk.intents.models(tenant_id) if m.version.startswith(version)]
        if len(matches) != 1:
            console.print(f"[red]error:[/red] {version!r} matches {len(matches)} models")
            raise typer.Exit(2)
        info = frontdesk.intents.activate(tenant_id, matches[0].version)
    console.print(f"Model {info.version[:12]} is now active.")
