"""Server-sent events, read line by line (the message stream and the live event feeds)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Event:
    """One event: its name (``accepted``, ``delta``, ``final``, ``turn``, ...) and JSON
    data."""

    event: str
    data: Any


@dataclass
class EventReader:
    """Feed it lines; it gives an :class:`Event` at each blank line that ends one.
    Comments (keep-alives) are skipped."""

    _event: str = "message"
    _data: list[str] = field(default_factory=list)

    def feed(self, line: str) -> Event | None:
        if not line:
            return self.flush()
        if line.startswith("event:"):
            self._event = line[6:].strip()
        elif line.startswith("data:"):
            self._data.append(line[5:].strip())
        return None

    def flush(self) -> Event | None:
        event, data = self._event, self._data
        self._event, self._data = "message", []
        return Event(event, json.loads("\n".join(data))) if data else None
