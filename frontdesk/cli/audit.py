"""``frontdesk audit …``: the audit log (``list``, in :mod:`frontdesk.cli.releases`) and
the fairness audit: is any group of customers served worse than the rest?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.evaluation import EvalRunner, database_sources, load_rows
from frontdesk.evaluation.fairness import audit
from frontdesk.evaluation.segments import from_results, from_turns

audit_app = typer.Typer(
    help="Audits: who changed what (list) and fairness across customer segments (fairness).",
    no_args_is_help=True,
)


@audit_app.command("fairness")
def fairness(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="language, channel, release, a conversation metadata key (tier or "
            "metadata.tier), or with --eval: language (the rows' lang) or kind.",
        ),
    ] = "language",
    eval_file: Annotated[
        Path | None,
        typer.Option(
            "--eval", help="A labelled set (as for frontdesk eval): adds accuracy per segment."
        ),
    ] = None,
    days: Annotated[float, typer.Option(min=0.01, help="Stored turns of the last N days.")] = 30,
    threshold: Annotated[
        float, typer.Option(min=0, max=1, help="Flag gaps larger than this.")
    ] = 0.1,
    min_n: Annotated[int, typer.Option(min=1, help="Smallest segment that is rated.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Escalation, refusal and (with --eval) accuracy per segment, with 95% intervals,
    CSAT and latency, and the gap to the best segment; gaps above the threshold that the
    intervals confirm are flagged. Without --eval it reads the stored turns."""
    rows = load_rows(eval_file) if eval_file is not None else None
    # Labelled rows wait for the multilingual index, as frontdesk eval does: scoring the
    # fallback would make every non-English row look wrong.
    with open_frontdesk(warm=rows is not None, complete_indexes=rows is not None) as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        if rows is None:
            observations = from_turns(frontdesk.database, tenant_id, by, days)
        else:
            runner = EvalRunner(
                frontdesk.pipeline,
                database_sources(frontdesk.database),
                frontdesk.settings.max_message_chars,
            )
            runner.check(rows)
            observations = from_results(runner.run(tenant_id, rows, lambda _: None), by)
    report = {
        "by": by,
        "source": "eval" if rows is not None else "turns",
        **audit(observations, threshold=threshold, min_n=min_n),
    }
    if as_json:
        typer.echo(json.dumps(report))
        return
    table = Table("segment", "n", "escalation", "refusal", "accuracy", "CSAT", "p50 ms", "gap")
    for s in report["segments"]:
        table.add_row(
            s["value"],
            str(s["n"]),
            _rate(s["escalation_rate"]),
            _rate(s["refusal_rate"]),
            _rate(s["accuracy"]),
            "-" if s["csat_mean"] is None else f"{s['csat_mean']:.2f}",
            "-" if s["p50_ms"] is None else f"{s['p50_ms']:.0f}",
            f"{s['gap']:.2f}",
        )
    console.print(table)
    for flag in report["flagged"]:
        console.print(
            f"[red]flagged[/red] {flag['value']}: {flag['metric']} {flag['gap']:.2f} "
            f"from the best segment ({flag['best']})"
        )
    if not report["flagged"]:
        console.print(f"No gap above {threshold:.2f} that the intervals confirm.")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
