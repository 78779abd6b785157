"""``frontdesk worker``: run background jobs queued in PostgreSQL, apart from the API."""

from __future__ import annotations

from typing import Annotated

import typer

from frontdesk.cli.context import console
from frontdesk.errors import ConfigurationError
from frontdesk.jobs.pgqueue import PostgresQueue
from frontdesk.monitoring import logs
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at once, each on its own thread.")
    ] = 1,
) -> None:
    """Run ingestion and training jobs queued in PostgreSQL until stopped (SIGTERM/SIGINT).
    API replicas queue them there with FRONTDESK_JOB_QUEUE=postgres."""
    settings = Settings()
    if settings.is_sqlite:
        raise ConfigurationError(
            "frontdesk worker runs jobs queued in PostgreSQL: set "
            "FRONTDESK_DATABASE_URL=postgresql://... (the embedded SQLite database runs "
            "jobs inside frontdesk serve)"
        )
    frontdesk = Frontdesk(settings.model_copy(update={"job_queue": "postgres"}))
    try:
        current, head = frontdesk.database.current_revision(), frontdesk.database.head_revision()
        if current != head:
            raise ConfigurationError(
                f"the database schema is at {current or 'nothing'}, this version needs "
                f"{head}: run 'frontdesk init' first"
            )
        frontdesk.warm_up()
        queue = frontdesk.jobs
        assert isinstance(queue, PostgresQueue)
        logs.configure(kind=settings.log_format)
        console.print(f"Frontdesk worker: {concurrency} at a time; Ctrl-C stops it.")
        queue.run_worker(concurrency)
    finally:
        frontdesk.close()
