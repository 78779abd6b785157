"""``frontdesk worker``: run background jobs queued in PostgreSQL, apart from the API."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from frontdesk.cli.context import console
from frontdesk.errors import ConfigurationError
from frontdesk.jobs.pgqueue import PostgresQueue
from frontdesk.monitoring import logs
from frontdesk.process_memory import limit_malloc_arenas
from frontdesk.releases.shadow_queued import SHADOW_QUEUE
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at once, each on its own thread.")
    ] = 1,
    queue: Annotated[
        list[str] | None,
        typer.Option(
            help="Take work from this queue only (repeat for more): 'default' holds the "
            "jobs, 'shadow' the shadow samples of rollouts. All queues by default."
        ),
    ] = None,
    nice: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=19,
            help="Lower this process's CPU priority by this much (os.nice), so API "
            "replicas on the same machine go first. Default: 19 for a shadow-only worker, "
            "else 0.",
        ),
    ] = None,
) -> None:
    """Run ingestion and training jobs, and rollouts' shadow samples, queued in PostgreSQL
    until stopped (SIGTERM/SIGINT). API replicas queue them there with
    FRONTDESK_JOB_QUEUE=postgres."""
    limit_malloc_arenas()  # before the job and model threads start
    if nice is None:
        nice = 19 if queue == [SHADOW_QUEUE] else 0
    if nice:
        # Before any model loads: runtimes' thread pools inherit the priority.
        os.nice(nice)
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
        jobs = frontdesk.jobs
        assert isinstance(jobs, PostgresQueue)
        logs.configure(kind=settings.log_format)
        console.print(
            f"Frontdesk worker: {concurrency} at a time, queues {', '.join(queue or ['all'])}, "
            f"nice {nice}; Ctrl-C stops it."
        )
        jobs.run_worker(concurrency, queue)
    finally:
        frontdesk.close()
