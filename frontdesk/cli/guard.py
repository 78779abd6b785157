"""``frontdesk guard check``: what the input guards find in a text."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.errors import ConfigurationError, FrontdeskError
from frontdesk.pipeline.stages.guards import InputGuardStage

guard_app = typer.Typer(help="Run the guards on text.", no_args_is_help=True)


@guard_app.command("check")
def check(
    text: Annotated[str, typer.Argument(help="The text, or '-' to read one text per line.")],
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Tenant name.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (one object a line).")
    ] = False,
) -> None:
    """Redact PII and score injection, abuse and language, as the tenant's release would."""
    with open_frontdesk() as frontdesk:
        tenant_id = frontdesk.tenants.get_tenant(tenant).id
        stage = next((s for s in frontdesk.pipeline.stages if isinstance(s, InputGuardStage)), None)
        if stage is None:
            raise ConfigurationError(f"release {frontdesk.release.id} has no input guard stage")
        stage.warm_up()
        names = stage.names_of(tenant_id)  # the tenant's customers' names, as in a turn
        texts = (line.rstrip("\n") for line in sys.stdin) if text == "-" else iter([text])
        for line_number, item in enumerate(texts, start=1):
            try:
                result = stage.guards.check(item, names=names).to_dict()
            except FrontdeskError as exc:
                result = {"error": exc.message, "line": line_number}
            if as_json:
                typer.echo(json.dumps(result, ensure_ascii=False))
            else:
                console.print(result)
