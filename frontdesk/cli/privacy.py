"""``frontdesk privacy …``: erase one customer, export what is stored about them."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from frontdesk.cli.context import console, open_frontdesk, operator
from frontdesk.errors import InvalidInputError
from frontdesk.privacy import ErasureRequest

privacy_app = typer.Typer(
    help="Erase a customer everywhere, or export what is stored about them.",
    no_args_is_help=True,
)

TenantOption = Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")]
CustomerOption = Annotated[
    str | None, typer.Option("--customer", help="Your customer id (given at conversation start).")
]
IdentifierOption = Annotated[
    str | None,
    typer.Option("--identifier", help="An e-mail address or phone number they wrote."),
]


@privacy_app.command("erase")
def erase(
    tenant: TenantOption,
    customer: CustomerOption = None,
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="One conversation id.")
    ] = None,
    identifier: IdentifierOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the receipt as JSON.")] = False,
) -> None:
    """Erase one customer: conversations, turns (and encrypted originals), tickets and
    agents' notes, feedback and CSAT comments, cache entries, webhook events naming them,
    names their tickets taught, and (by --customer) their ingested resolved tickets;
    knowledge promoted from them is quarantined for review. Give exactly one of
    --customer, --conversation, --identifier."""
    # Checked here so the message names the options, not the API's fields.
    if sum(value is not None for value in (customer, conversation, identifier)) != 1:
        raise InvalidInputError("give exactly one of --customer, --conversation or --identifier")
    request = ErasureRequest(customer, conversation, identifier)
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        receipt = frontdesk.privacy.erase(tenant_id, request, actor="cli", by=operator())
    if as_json:
        typer.echo(json.dumps(receipt))
        return
    table = Table("removed", "count", title=f"Erasure {receipt['id']} ({receipt['scope']})")
    for kind, count in receipt["removed"].items():
        table.add_row(kind.replace("_", " "), str(count))
    console.print(table)


@privacy_app.command("export")
def export(
    tenant: TenantOption,
    customer: CustomerOption = None,
    identifier: IdentifierOption = None,
) -> None:
    """Print everything stored about one customer as JSON (a data-subject access
    request), original messages decrypted. Give --customer or --identifier."""
    if (customer is None) == (identifier is None):
        raise InvalidInputError("give exactly one of --customer or --identifier")
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        archive = frontdesk.privacy.export(tenant_id, customer_id=customer, identifier=identifier)
    typer.echo(json.dumps(archive, ensure_ascii=False, indent=2))


@privacy_app.command("retention")
def retention(
    tenant: Annotated[
        str | None, typer.Option("--tenant", "-t", help="One tenant (default: every tenant).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the receipts as JSON.")] = False,
) -> None:
    """Apply retention policies now (tenant setting retention_days): erase conversations
    older than the policy allows. `frontdesk serve` also runs it every hour."""
    with open_frontdesk() as frontdesk:
        if tenant is None:
            receipts = frontdesk.privacy.apply_retention_everywhere()
        else:
            tenant_id = frontdesk.tenants.get_tenant(tenant).id
            found = frontdesk.privacy.apply_retention(tenant_id)
            receipts = {} if found is None else {tenant_id: found}
    if as_json:
        typer.echo(json.dumps(receipts))
        return
    if not receipts:
        console.print("No tenant has a retention policy (tenant setting retention_days).")
    for tenant_id, receipt in receipts.items():
        console.print(
            f"{tenant_id}: erased {receipt['removed']['conversations']} conversations "
            f"last active before {receipt['cutoff']}"
        )


@privacy_app.command("names")
def names(
    tenant: TenantOption,
    add: Annotated[
        list[str] | None, typer.Option("--add", help="A person name to redact (repeatable).")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="A listed name to drop (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The tenant's person names, redacted in its customers' messages wherever they
    stand: names learned from its tickets, plus any added here."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        added = frontdesk.tenants.add_names(tenant_id, add) if add else 0
        removed = frontdesk.tenants.remove_names(tenant_id, remove) if remove else 0
        listed = frontdesk.tenants.names(tenant_id)
    if as_json:
        rows = [{"name": n, "source": s} for n, s in listed]
        typer.echo(json.dumps({"added": added, "removed": removed, "names": rows}))
        return
    table = Table("name", "source", title=f"{len(listed)} names (+{added}, -{removed})")
    for name, source in listed:
        table.add_row(name, source)
    console.print(table)
