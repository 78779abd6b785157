"""``frontdesk init``, ``serve`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from frontdesk.cli.context import console, open_frontdesk
from frontdesk.cli.knowledge import ingest_with_progress
from frontdesk.errors import NotFoundError
from frontdesk.settings import Settings

DEMO_TENANT = "demo"
DEMO_KNOWLEDGE = Path(__file__).resolve().parents[2] / "examples" / "demo-helpcenter"
DEMO_SOURCES = ("articles", "faq.csv", "tickets.jsonl")


def init() -> None:
    """Create or migrate the database (FRONTDESK_DATABASE_URL; default SQLite in data_dir)."""
    with open_frontdesk(migrated=False) as frontdesk:
        frontdesk.init()
        revision = frontdesk.database.current_revision()
        url = frontdesk.database.engine.url.render_as_string(hide_password=True)
    console.print(f"Database ready at {url} (schema {revision}).")


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the API, the chat widget, the agent console, the dashboard and the API docs."""
    import uvicorn

    from frontdesk.api.app import create_app
    from frontdesk.gateway.server import server_config
    from frontdesk.monitoring import logs

    settings = Settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    base = f"http://{bind_host}:{bind_port}"
    console.print(
        f"Frontdesk on [bold]{base}[/bold]\n"
        f"  demo page  {base}/demo?key=<widget key>\n"
        f"  console    {base}/console\n"
        f"  API docs   {base}/docs\n"
        f"  health     {base}/healthz  ·  ready {base}/readyz  ·  metrics {base}/metrics"
    )
    config = server_config(
        create_app(settings),
        header_timeout_s=settings.header_timeout_s,
        host=bind_host,
        port=bind_port,
        log_level="info",
    )
    # After uvicorn set up its loggers: their tracebacks withhold messages too.
    logs.configure(kind=settings.log_format)
    uvicorn.Server(config).run()


def demo(
    knowledge: Annotated[
        Path, typer.Option(help="Demo help center to load (articles/, faq.csv, tickets.jsonl).")
    ] = DEMO_KNOWLEDGE,
) -> None:
    """Create the demo tenant (if missing) with fresh admin and widget keys, and load the
    demo help center (unchanged files are skipped on later runs)."""
    with open_frontdesk(migrated=False) as frontdesk:
        frontdesk.init()
        try:
            tenant = frontdesk.tenants.get_tenant(DEMO_TENANT)
        except NotFoundError:
            tenant = frontdesk.tenants.create_tenant(DEMO_TENANT)
        sources = [knowledge / name for name in DEMO_SOURCES if (knowledge / name).exists()]
        if sources:
            if frontdesk.knowledge.embeds_multilingual:
                # The longest step of make run (so the server answers every language at once).
                console.print(
                    "Loading the demo help center; the first time it is also embedded for "
                    "questions in other languages (about a minute on two idle cores)."
                )
            report = ingest_with_progress(frontdesk, tenant.id, sources, sync=True)
            console.print(
                f"Demo knowledge: {len(report.added) + len(report.updated)} documents loaded, "
                f"{len(report.unchanged)} unchanged, {len(report.failed)} failed."
            )
        else:
            console.print(f"[yellow]No demo knowledge found in {knowledge}[/yellow]")
        admin_key, _ = frontdesk.tenants.issue_key(DEMO_TENANT, "admin", "demo admin")
        widget_key, _ = frontdesk.tenants.issue_key(DEMO_TENANT, "widget", "demo widget")
        settings = frontdesk.settings
    base = f"http://{settings.host}:{settings.port}"
    console.print(
        f"Demo tenant [bold]{DEMO_TENANT}[/bold] is ready. New keys (shown once; older demo "
        "keys stay valid until revoked with 'frontdesk keys revoke'):\n"
        f"  admin   {admin_key}\n"
        f"  widget  {widget_key}\n"
        f"Open the demo help center with the chat widget:\n  {base}/demo?key={widget_key}\n"
        f"Open the agent console (sign in with the admin key):\n  {base}/console\n"
        f"and the dashboard (the same key):\n  {base}/dashboard\n"
        "Or try the API:\n"
        f"  curl -s -X POST {base}/v1/conversations -H 'Authorization: Bearer {widget_key}'\n"
        f"  curl -s -X POST {base}/v1/conversations/<id>/messages "
        f"-H 'Authorization: Bearer {widget_key}' -H 'Content-Type: application/json' "
        '-d \'{"text": "How do I reset my password?"}\''
    )
