"""What every command needs: settings from the environment and a built Frontdesk."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.table import Column

from frontdesk.domain.release import Actor
from frontdesk.errors import ConfigurationError
from frontdesk.releases.config import ReleaseConfig
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

# Human-facing output goes to stderr so stdout stays clean for scripts (keys, JSON).
console = Console(stderr=True, soft_wrap=True)


def operator() -> Actor:
    """The CLI acts as an operator with database access: an admin, named by OS user (how
    the audit log names what a command changed)."""
    return Actor(name=f"cli:{getpass.getuser()}", role="admin")


def whole(header: str, width: int = 32) -> Column:
    """A table column for values another command takes (key, document, chunk ids): never
    shortened with "…" or wrapped, however narrow the terminal; other columns give way."""
    return Column(header, no_wrap=True, min_width=width, overflow="fold")


@contextmanager
def open_frontdesk(
    *,
    warm: bool = False,
    migrated: bool = True,
    release: ReleaseConfig | None = None,
    complete_indexes: bool = False,
) -> Iterator[Frontdesk]:
    """A Frontdesk for one command; with ``migrated`` it refuses a database whose schema
    is not current, with the command that fixes it. ``release`` replaces the configured
    one (``frontdesk eval --release``); ``complete_indexes`` makes every search wait for
    a multilingual index being built (an evaluation must not score the fallback)."""
    settings = Settings()
    if complete_indexes:
        settings = settings.model_copy(update={"multilingual_wait_s": None})
    frontdesk = Frontdesk(settings, release=release)
    try:
        if migrated:
            current = frontdesk.database.current_revision()
            head = frontdesk.database.head_revision()
            if current != head:
                raise ConfigurationError(
                    f"the database schema is at {current or 'nothing'}, this version needs "
                    f"{head}: run 'frontdesk init' first"
                )
        if warm:
            frontdesk.warm_up()
        yield frontdesk
    finally:
        frontdesk.close()
