"""``frontdesk releases …``, ``frontdesk rollout …`` and ``frontdesk audit …``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from frontdesk.cli.audit import audit_app
from frontdesk.cli.context import console, open_frontdesk, operator
from frontdesk.domain.release import Label, RolloutMode
from frontdesk.errors import InvalidInputError
from frontdesk.releases.document import to_yaml
from frontdesk.releases.models import tenant_models
from frontdesk.releases.registry import describe

releases_app = typer.Typer(
    help="The tenant's release registry: create, diff, label, promote, roll back.",
    no_args_is_help=True,
)
rollout_app = typer.Typer(
    help="Shadow, canary and A/B rollouts of a candidate.", no_args_is_help=True
)

TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ReleaseArg = Annotated[str, typer.Argument(help="Release id (name@number) or number.")]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read {path}: {exc}", field="file") from None


@releases_app.command("create")
def create(
    file: Annotated[Path, typer.Argument(help="A release in YAML or JSON.")],
    tenant: TenantOption,
    label: Annotated[Label | None, typer.Option(help="Label it at once (candidate only).")] = None,
) -> None:
    """Store a new immutable release; prints its id on the last line."""
    text = _read(file)
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        release = frontdesk.releases.create(tenant_id, text, operator(), label)
    console.print(f"Created release [bold]{release.release_id}[/bold] ({release.digest}).")
    typer.echo(release.release_id)


@releases_app.command("list")
def list_releases(tenant: TenantOption, as_json: JsonOption = False) -> None:
    """Every release of the tenant, oldest first, with its labels."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        labels = frontdesk.releases.labels(tenant_id)
        shown = [describe(r, labels) for r in frontdesk.releases.list(tenant_id)]
    if as_json:
        typer.echo(json.dumps({"releases": shown, "labels": labels}))
        return
    table = Table("id", "digest", "labels", "created", "by", "description")
    for item in shown:
        table.add_row(
            item["id"],
            item["digest"],
            ", ".join(item["labels"]),
            item["created_at"][:19],
            item["created_by"],
            item["description"][:40],
        )
    console.print(table)
    if "production" not in labels:
        console.print("production: the built-in default release (no production label)")


@releases_app.command("show")
def show(release: ReleaseArg, tenant: TenantOption, as_json: JsonOption = False) -> None:
    """One release with all its parameters."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        found = describe(
            frontdesk.releases.get(tenant_id, release), frontdesk.releases.labels(tenant_id)
        )
    typer.echo(json.dumps(found, indent=None if as_json else 2))


@releases_app.command("export")
def export(release: ReleaseArg, tenant: TenantOption, as_json: JsonOption = False) -> None:
    """The release as a document 'releases create' accepts (YAML, or JSON)."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        document = frontdesk.releases.export(tenant_id, release)
    typer.echo(json.dumps(document, indent=2) if as_json else to_yaml(document).rstrip())


@releases_app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="Release id, number or 'default'.")],
    b: Annotated[str, typer.Argument(help="Release id, number or 'default'.")],
    tenant: TenantOption,
    as_json: JsonOption = False,
) -> None:
    """The parameters that differ from A to B."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        changes = frontdesk.releases.diff(tenant_id, a, b)
    if as_json:
        typer.echo(json.dumps({"a": a, "b": b, "changes": changes}))
        return
    if not changes:
        typer.echo("no differences")
    for change in changes:
        before, after = json.dumps(change["before"]), json.dumps(change["after"])
        typer.echo(f"{change['path']}: {before} -> {after}")


@releases_app.command("label")
def label(
    release: ReleaseArg,
    tenant: TenantOption,
    name: Annotated[Label, typer.Option("--as", help="The label (candidate).")] = Label.CANDIDATE,
) -> None:
    """Point a label at a release (production moves through 'promote')."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        found = frontdesk.releases.set_label(tenant_id, release, name, operator())
    typer.echo(f"{name.value} -> {found.release_id}")


@releases_app.command("eval-set")
def eval_set(
    file: Annotated[Path, typer.Argument(help="The tenant's labelled set (frontdesk eval JSONL).")],
    tenant: TenantOption,
) -> None:
    """Store the labelled set the promotion gate evaluates on (replaces the previous)."""
    text = _read(file)
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        count = frontdesk.promotion.upload_eval_set(tenant_id, text, operator())
    typer.echo(f"stored {count} labelled rows")


@releases_app.command("promote")
def promote(
    release: ReleaseArg,
    tenant: TenantOption,
    force: Annotated[
        bool, typer.Option("--force", help="Promote even if the gate refuses (audited).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Make a release production, if 'frontdesk eval' on the tenant's labelled set says
    it is not worse than production beyond its gate criteria."""
    with open_frontdesk(warm=True) as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        result = frontdesk.promotion.promote(tenant_id, release, operator(), force=force)
    if as_json:
        typer.echo(json.dumps(result))
        return
    _show_gate(result)
    typer.echo(f"production -> {result['release']}" + (" (forced)" if result["forced"] else ""))


def _show_gate(result: dict[str, Any]) -> None:
    gate = result["gate"]
    if not gate["candidate"]:
        console.print(f"gate: {'; '.join(gate['reasons'])}")
        return
    table = Table("metric", "candidate", "production", title="evaluation gate")
    for key, value in gate["candidate"].items():
        table.add_row(key, str(value), str(gate["production"].get(key)))
    console.print(table)
    for reason in gate["reasons"]:
        console.print(f"[red]✗[/red] {reason}")


@releases_app.command("rollback")
def rollback(tenant: TenantOption) -> None:
    """Make the previous production release current again."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        current = frontdesk.releases.rollback(tenant_id, operator())
    typer.echo(f"production -> {current}")


@releases_app.command("status")
def status(tenant: TenantOption) -> None:
    """Labels and what a replica built from this database serves, with the tenant's own
    models (JSON)."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        labels = frontdesk.releases.labels(tenant_id)
        serving = frontdesk.follower.status(tenant_id)
        serving["models"] = tenant_models(frontdesk.database, tenant_id)
    typer.echo(json.dumps({"labels": labels, "serving": serving}))


@rollout_app.command("start")
def rollout_start(
    candidate: ReleaseArg,
    tenant: TenantOption,
    mode: Annotated[RolloutMode, typer.Option(help="shadow, canary or ab.")],
    share: Annotated[float, typer.Option(help="Percent of conversations (canary 1-50).")],
    triggers: Annotated[
        str | None,
        typer.Option(help="Rollback triggers as JSON, e.g. '{\"min_sample\": 100}'."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Start routing a share of conversations to (or shadowing with) the candidate."""
    limits = _json_option(triggers, "triggers")
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        frontdesk.rollouts.start(tenant_id, candidate, mode, share, operator(), limits)
        shown = frontdesk.rollouts.status(tenant_id)
    typer.echo(json.dumps(shown) if as_json else f"rollout {shown['id']} started")


@rollout_app.command("status")
def rollout_status(tenant: TenantOption, as_json: JsonOption = False) -> None:
    """The latest rollout and the live comparison of its two arms."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        shown = frontdesk.rollouts.status(tenant_id)
    if as_json:
        typer.echo(json.dumps(shown))
        return
    console.print(
        f"rollout {shown['id']}: {shown['candidate']} vs {shown['production']}, "
        f"{shown['mode']} {shown['share']:g}%, {shown['state']}"
        + (f", trigger {shown['trigger']}" if shown["trigger"] else "")
    )
    table = Table("figure", "candidate", "production")
    for key, value in shown["candidate_stats"].items():
        table.add_row(key, str(value), str(shown["production_stats"].get(key)))
    console.print(table)


@rollout_app.command("stop")
def rollout_stop(tenant: TenantOption) -> None:
    """End the running rollout: all traffic back to production."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        stopped = frontdesk.rollouts.stop(tenant_id, operator())
    typer.echo(f"rollout {stopped.id} {stopped.state.value}")


@audit_app.command("list")
def audit_list(
    tenant: TenantOption,
    limit: Annotated[int, typer.Option(help="Newest entries to show.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Registry and rollout changes, newest first."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        entries = [entry.to_dict() for entry in frontdesk.audit.list(tenant_id, limit)]
    if as_json:
        typer.echo(json.dumps({"entries": entries}))
        return
    table = Table("when", "who", "role", "action", "target", "after")
    for entry in entries:
        table.add_row(
            entry["created_at"][:19],
            entry["actor"],
            entry["role"],
            entry["action"],
            entry["target"],
            json.dumps(entry["after"])[:60],
        )
    console.print(table)


def _json_option(value: str | None, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"--{name} is not JSON: {exc}", field=name) from None
    if not isinstance(parsed, dict):
        raise InvalidInputError(f"--{name} must be a JSON object", field=name)
    return parsed
