"""``frontdesk tenants …`` and ``frontdesk keys …``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk, operator, whole
from frontdesk.domain.tenant import ApiKeyInfo, KeyRole
from frontdesk.errors import InvalidInputError

tenants_app = typer.Typer(
    help="Create, configure and list tenants (one per company).", no_args_is_help=True
)
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)

TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]


@tenants_app.command("create")
def tenants_create(name: Annotated[str, typer.Argument(help="Lowercase name, e.g. acme.")]) -> None:
    """Create a tenant; prints its id on the last line."""
    with open_frontdesk() as frontdesk:
        tenant = frontdesk.tenants.create_tenant(name)
    console.print(f"Created tenant [bold]{tenant.name}[/bold].")
    typer.echo(tenant.id)


@tenants_app.command("configure")
def tenants_configure(
    name: Annotated[str, typer.Argument(help="Tenant name.")],
    reveal_pii: Annotated[
        bool | None,
        typer.Option(
            "--reveal-pii/--no-reveal-pii",
            help="Let agents see original (unredacted) customer messages.",
        ),
    ] = None,
    contact_allowlist: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated domains, e-mails and phone numbers answers may give "
            "customers (replaces the list; '' clears it).",
        ),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated ISO 639-1 codes customers are answered in, the fallback "
            "first, e.g. en,de,fr ('' = every built-in catalogue language).",
        ),
    ] = None,
    llm_daily_tokens: Annotated[
        int | None,
        typer.Option(
            help="LLM tokens the tenant's turns may use per UTC day; then they are answered "
            "without the LLM and an alert fires (0 = no limit).",
        ),
    ] = None,
    llm_daily_cost: Annotated[
        float | None,
        typer.Option(help="LLM cost per UTC day, at the release's prices (0 = no limit)."),
    ] = None,
    messages_file: Annotated[
        Path | None,
        typer.Option(
            help='JSON file of fixed-text overrides by language and key, e.g. {"de": '
            '{"handoff": "..."}} (replaces the tenant\'s overrides).',
        ),
    ] = None,
) -> None:
    """Change a tenant's settings; prints them as JSON, with backfill_job_id: the job
    that embeds the knowledge for languages this change turned on (null if none)."""
    changes: dict[str, object] = {}
    if languages is not None:
        changes["languages"] = [c.strip() for c in languages.split(",") if c.strip()]
    if messages_file is not None:
        try:
            changes["messages"] = json.loads(messages_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInputError(
                f"cannot read --messages-file {messages_file}: {exc}", field="messages"
            ) from None
    if reveal_pii is not None:
        changes["reveal_pii_to_agents"] = reveal_pii
    if llm_daily_tokens is not None:
        changes["llm_daily_tokens"] = llm_daily_tokens or None
    if llm_daily_cost is not None:
        changes["llm_daily_cost"] = llm_daily_cost or None
    if contact_allowlist is not None:
        entries = [e.strip() for e in contact_allowlist.split(",") if e.strip()]
        changes["contact_allowlist"] = entries
    with open_frontdesk() as frontdesk:
        tenant = frontdesk.tenants.get_tenant(name)
        # In-process jobs would end with this command: embed for new languages here.
        inline = frontdesk.settings.job_queue == "inprocess"
        changed = frontdesk.configure_tenant(
            tenant.id, changes, backfill_now=inline, actor=operator()
        )
    if changed.backfill_job_id is not None:
        console.print(
            f"Embedding the knowledge for the new languages: job {changed.backfill_job_id} "
            "(GET /v1/jobs/<id> shows its progress)."
        )
    elif changed.embedded is not None:
        console.print(f"Embedded the knowledge for the new languages ({changed.embedded} texts).")
    typer.echo(
        json.dumps(
            {
                **changed.settings.model_dump(mode="json"),
                "backfill_job_id": changed.backfill_job_id,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
    )


@tenants_app.command("budget")
def tenants_budget(
    name: Annotated[str, typer.Argument(help="Tenant name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
) -> None:
    """Today's LLM usage against the tenant's daily budget (set it with configure)."""
    with open_frontdesk() as frontdesk:
        status = frontdesk.budgets.status(frontdesk.tenants.get_tenant(name).id)
    if as_json:
        typer.echo(json.dumps(status.to_dict()))
        return
    if not status.limited:
        console.print(f"{name} has no LLM budget (set one with: frontdesk tenants configure).")
    table = Table("", "used today", "daily limit")
    table.add_row("tokens", f"{status.tokens_used:,}", _limit(status.token_limit))
    table.add_row("cost", f"{status.cost_used:.4f}", _limit(status.cost_limit))
    console.print(table)
    if status.exhausted:
        console.print(
            f"[bold]Used up[/bold]: turns are answered without the LLM until "
            f"{status.day.date()} ends (UTC)."
        )


def _limit(value: float | None) -> str:
    return "none" if value is None else f"{value:,}"


@tenants_app.command("list")
def tenants_list() -> None:
    """List tenants."""
    with open_frontdesk() as frontdesk:
        tenants = frontdesk.tenants.list_tenants()
    table = Table("name", "id", "created")
    for tenant in tenants:
        table.add_row(tenant.name, tenant.id, f"{tenant.created_at:%Y-%m-%d %H:%M}")
    console.print(table)


@keys_app.command("create")
def keys_create(
    tenant: TenantOption,
    role: Annotated[KeyRole, typer.Option(help="admin, agent or widget.")],
    name: Annotated[str, typer.Option(help="A label to recognise the key by.")] = "",
) -> None:
    """Create an API key. The key is printed once, alone on the last line of stdout."""
    with open_frontdesk() as frontdesk:
        key, info = frontdesk.tenants.issue_key(tenant, role, name, actor=operator())
    console.print(
        f"Created key with role [bold]{info.role.value}[/bold] for tenant {tenant} "
        f"(id {info.id}). Store it now: it is not shown again."
    )
    typer.echo(key)


@keys_app.command("list")
def keys_list(
    tenant: TenantOption,
    all_keys: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List a tenant's keys (never the keys themselves)."""
    with open_frontdesk() as frontdesk:
        keys = frontdesk.tenants.list_keys(tenant, include_revoked=all_keys)
    if as_json:
        typer.echo(json.dumps([_key_json(key) for key in keys]))
        return
    rows = [
        (
            key.id,
            key.prefix + "…",
            key.role.value,
            key.name,
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
            "active" if key.active else "revoked",
        )
        for key in keys
    ]
    if console.width < 120:
        # Too narrow for seven columns with the ids whole: two lines per key.
        for key_id, prefix, role, name, created, used, state in rows:
            console.print(f"{key_id}  {prefix}  {role}  {state}", highlight=False)
            console.print(
                f"    {name or '(no name)'} · created {created} · last used {used}",
                highlight=False,
            )
        return
    table = Table(
        whole("id"), whole("prefix", 13), "role", "name", "created", "last used", "status"
    )
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _key_json(key: ApiKeyInfo) -> dict[str, object]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "role": key.role.value,
        "name": key.name,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "active": key.active,
    }


@keys_app.command("revoke")
def keys_revoke(
    tenant: TenantOption,
    key_id: Annotated[str, typer.Argument(help="The key's id or its displayed prefix.")],
) -> None:
    """Revoke a key: requests with it get 401 from now on."""
    # The prefix is shown as "fdk_q5UY7D94…": accept it as copied, ellipsis and all.
    key_id = key_id.strip().removesuffix("…").removesuffix("...")
    with open_frontdesk() as frontdesk:
        info = frontdesk.tenants.revoke_key(tenant, key_id, actor=operator())
    console.print(f"Revoked key {info.id} ({info.prefix}…, {info.role.value}).")
