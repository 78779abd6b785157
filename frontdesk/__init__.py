"""Frontdesk: self-hostable AI customer support with grounded, cited answers."""

from frontdesk.errors import FrontdeskError
from frontdesk.releases.config import ReleaseConfig, StageSpec, default_release
from frontdesk.runtime import Frontdesk
from frontdesk.settings import Settings

__all__ = [
    "Frontdesk",
    "FrontdeskError",
    "ReleaseConfig",
    "Settings",
    "StageSpec",
    "default_release",
]
__version__ = "0.1.0"
