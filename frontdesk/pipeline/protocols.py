"""The seams of the pipeline. Every implementation, built-in or plugin, satisfies one.

Components keep ``__init__`` light (store options) and load models in ``warm_up()``, which
the application calls once at start-up; their options serialise to a dict so a release
can be stored, diffed and rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from frontdesk.pipeline.state import TurnState


@dataclass(slots=True)
class StageReport:
    """What a stage wants recorded on the trace besides its duration."""

    scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    detail: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Stage(Protocol):
    """One step of the pipeline.

    ``run`` reads and updates ``state`` and returns what to record; it must not raise for
    ordinary bad input (it records a flag instead). ``name`` appears on the trace.
    """

    name: str

    def warm_up(self) -> None: ...

    def run(self, state: TurnState) -> StageReport: ...


class Embedder(Protocol):
    """Texts to unit-length vectors; ``model_id`` names the vector space."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]: ...
