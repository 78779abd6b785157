"""Component registry: release ``type`` names to factories.

Built-ins register through the same entry point group a third-party package uses
(``frontdesk.components``): each entry point names a module with a
``register(registry)`` function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from frontdesk.errors import ConfigurationError
from frontdesk.pipeline.protocols import Stage
from frontdesk.pipeline.runner import Pipeline
from frontdesk.releases.config import ReleaseConfig

if TYPE_CHECKING:
    from frontdesk.providers.resources import Resources

ENTRY_POINT_GROUP = "frontdesk.components"

StageFactory = Callable[[str, dict[str, Any], "Resources"], Stage]


@dataclass
class ComponentRegistry:
    factories: dict[str, StageFactory] = field(default_factory=dict)

    def register(self, type_name: str, factory: StageFactory) -> None:
        if type_name in self.factories:
            raise ConfigurationError(f"component type {type_name!r} is registered twice")
        self.factories[type_name] = factory

    def build_stage(
        self, name: str, type_name: str, params: dict[str, Any], res: Resources
    ) -> Stage:
        factory = self.factories.get(type_name)
        if factory is None:
            known = ", ".join(sorted(self.factories)) or "none"
            raise ConfigurationError(
                f"release stage {name!r} uses unknown component type {type_name!r} "
                f"(registered: {known})"
            )
        try:
            return factory(name, params, res)
        except (TypeError, ValueError) as exc:
            raise ConfigurationError(f"release stage {name!r} ({type_name}): {exc}") from exc

    def build_pipeline(self, release: ReleaseConfig, resources: Resources) -> Pipeline:
        stages = [
            self.build_stage(spec.name, spec.type, dict(spec.params), resources)
            for spec in release.stages
        ]
        return Pipeline(f"{release.id}@{release.version}", stages, digest=release.digest)


def load_registry() -> ComponentRegistry:
    """A registry filled by every installed ``frontdesk.components`` entry point."""
    registry = ComponentRegistry()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        module = entry_point.load()
        module.register(registry)
    if not registry.factories:
        raise ConfigurationError(
            "no pipeline components are registered: is frontdesk installed (pip install -e .)?"
        )
    return registry
