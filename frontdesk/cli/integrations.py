"""``frontdesk integrations chatwoot …``: connect a tenant to its Chatwoot account."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from frontdesk.cli.context import console, open_frontdesk

integrations_app = typer.Typer(
    help="Help desks Frontdesk answers in as their bot.", no_args_is_help=True
)
chatwoot_app = typer.Typer(
    help="Frontdesk as a Chatwoot Agent Bot (see docs/integrations.md).", no_args_is_help=True
)
integrations_app.add_typer(chatwoot_app, name="chatwoot")

TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]


@chatwoot_app.command("configure")
def configure(
    tenant: TenantOption,
    base_url: Annotated[
        str, typer.Option("--base-url", help="Chatwoot's address, e.g. https://chat.example.com.")
    ],
    account_id: Annotated[int, typer.Option("--account-id", help="The Chatwoot account id.")],
    token: Annotated[
        str, typer.Option("--token", help="The Agent Bot's access token (stored encrypted).")
    ],
    secret: Annotated[
        str | None,
        typer.Option(
            "--secret",
            help="Shared secret of inbound events (16+ characters); default: a random one.",
        ),
    ] = None,
) -> None:
    """Connect the tenant to Chatwoot (or replace the connection). Prints the path to
    give Chatwoot's Agent Bot as its outgoing URL, with the secret, alone on the last
    line of stdout."""
    with open_frontdesk() as frontdesk:
        found = frontdesk.tenants.get_tenant(tenant)
        _, new_secret = frontdesk.chatwoot.config.configure(
            found.id, base_url=base_url, account_id=account_id, token=token, secret=secret
        )
    console.print(
        f"Chatwoot connected for [bold]{tenant}[/bold]. In Chatwoot (Settings → Bots), set "
        "the bot's outgoing URL to your Frontdesk address followed by this path "
        "(the secret is shown once):"
    )
    typer.echo(f"/v1/integrations/chatwoot/{tenant}/events?secret={new_secret}")


@chatwoot_app.command("show")
def show(
    tenant: TenantOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The connection (never the token or the secret) and the state of the last call."""
    with open_frontdesk() as frontdesk:
        found = frontdesk.tenants.get_tenant(tenant)
        integration = frontdesk.chatwoot.config.show(found.id)
    values = asdict(integration)
    values.pop("tenant_id")
    if as_json:
        typer.echo(json.dumps(values, default=str))
        return
    for key, value in values.items():
        console.print(f"{key}: {value}")


@chatwoot_app.command("remove")
def remove(tenant: TenantOption) -> None:
    """Disconnect: events for this tenant then answer 404."""
    with open_frontdesk() as frontdesk:
        found = frontdesk.tenants.get_tenant(tenant)
        frontdesk.chatwoot.config.remove(found.id)
    console.print(f"Chatwoot disconnected for {tenant}.")
