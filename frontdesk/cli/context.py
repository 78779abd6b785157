"""What every command needs: settings from the environment and a built Frontdesk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

# Human-facing output goes to stderr so stdout stays clean for scripts (keys, JSON).
console = Console(stderr=True)


@contextmanager
def open_frontdesk(*, warm: bool = False) -> Iterator[Frontdesk]:
    frontdesk = Frontdesk(Settings())
    try:
        if warm:
            frontdesk.warm_up()
        yield frontdesk
    finally:
        frontdesk.close()
