"""``frontdesk stats``: the summary the dashboard shows, for scripts and terminals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.errors import InvalidInputError
from frontdesk.operations.summary import Bucket, SummaryQuery


def _moment(value: str | None, name: str, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"--{name} {value!r} is not an ISO 8601 time, e.g. 2026-12-01T00:00:00Z", field=name
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def stats(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    start: Annotated[
        str | None, typer.Option("--from", help="ISO time (UTC if no zone); default 7 days ago.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="ISO time; default now.")] = None,
    release: Annotated[str | None, typer.Option(help="Only this release's turns.")] = None,
    bucket: Annotated[str | None, typer.Option(help="Series bucket: hour, day or week.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="First recompute the rollups of the range from the stored turns "
            "(turns stored before this version; safe to repeat).",
        ),
    ] = False,
) -> None:
    """How the assistant did: the same summary as GET /v1/stats/summary."""
    if bucket not in (None, "hour", "day", "week"):
        raise InvalidInputError("--bucket must be hour, day or week", field="bucket")
    now = datetime.now(UTC)
    query_bucket: Bucket | None = bucket  # type: ignore[assignment]  # checked above
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        query = SummaryQuery(
            tenant_id,
            _moment(start, "from", now - timedelta(days=7)),
            _moment(end, "to", now),
            release,
            query_bucket,
        ).normalised()
        if rebuild:
            counted = frontdesk.stats.rebuild(tenant_id, query.start, query.end)
            console.print(f"Rebuilt the rollups from {counted} stored turns.")
        summary = frontdesk.stats.summary(query)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    _print(summary)


def _percent(value: Any) -> str:
    return f"{value * 100:.1f}%" if isinstance(value, int | float) else "-"


def _print(summary: dict[str, Any]) -> None:
    console.print(f"[bold]{summary['from']} to {summary['to']}[/bold]")
    rows = [
        ("turns", summary["turns"]),
        ("answered", _percent(summary["answered_rate"])),
        ("escalated", _percent(summary["escalation_rate"])),
        ("p95 latency", f"{summary['p95_ms']} ms" if summary["p95_ms"] is not None else "-"),
        ("mean confidence", summary["mean_confidence"]),
        ("safety triggers", _percent(summary["safety_trigger_rate"])),
        ("CSAT", summary["csat_mean"]),
        ("LLM tokens / cost", f"{summary['tokens']} / {summary['cost']}"),
    ]
    for label, value in rows:
        typer.echo(f"{label:>18}  {'-' if value is None else value}")
    for group in summary["top_unanswered"]:
        typer.echo(f"{group['count']:>6}  {group['question']}")
