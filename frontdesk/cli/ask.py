"""``frontdesk ask``: run the pipeline in-process, no server."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from frontdesk.api.schemas import TurnPublic
from frontdesk.cli.context import console, open_frontdesk


def ask(
    question: Annotated[str, typer.Argument(help="The customer's question.")],
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    conversation: Annotated[
        str | None, typer.Option(help="Continue this conversation (id) instead of a new one.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the turn as JSON.")] = False,
) -> None:
    """Ask a question as a customer would; the turn is stored like any other."""
    with open_frontdesk(warm=True) as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        conversation_id = (
            conversation or frontdesk.conversations.create(tenant_id, channel="cli").id
        )
        posted = frontdesk.conversations.post_message(tenant_id, conversation_id, question)
    turn = TurnPublic.of(posted.turn)
    if as_json:
        typer.echo(turn.model_dump_json())
        return
    console.print(f"[bold]{turn.outcome}[/bold] (confidence {turn.confidence})")
    typer.echo(turn.text)
    for citation in turn.citations:
        typer.echo(f"  [{citation.number}] {citation.title} {citation.url or ''}".rstrip())
    stages = ", ".join(f"{s.name} {s.duration_ms:.1f} ms" for s in turn.trace)
    console.print(f"[dim]{escape(stages)} · conversation {conversation_id}[/dim]")
