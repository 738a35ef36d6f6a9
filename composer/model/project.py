"""The project: its services and top-level resources, frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.errors import ComposerError
from composer.model.resources import Config, Network, Secret, Volume
from composer.model.service import Service

# An unknown service name lists the known ones only when there are few enough to read.
_LISTED_IN_HINT = 12


@dataclass(frozen=True, slots=True)
class Project:
    """A loaded compose project.

    `services` holds the enabled services; `disabled` those switched off by profiles (they are
    not orphans). `environment` is the project environment used for interpolation.
    """

    name: str
    working_dir: str
    services: Mapping[str, Service] = field(default_factory=dict)
    networks: Mapping[str, Network] = field(default_factory=dict)
    volumes: Mapping[str, Volume] = field(default_factory=dict)
    secrets: Mapping[str, Secret] = field(default_factory=dict)
    configs: Mapping[str, Config] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    disabled: Mapping[str, Service] = field(default_factory=dict)

    @property
    def service_names(self) -> tuple[str, ...]:
        """The enabled services' names, sorted."""
        return tuple(sorted(self.services))

    def service(self, name: str) -> Service:
        """The service called `name`; a ComposerError when there is none."""
        found = self.services.get(name)
        if found is None:
            raise ComposerError(f"no such service: {name}", self._missing_hint(name))
        return found

    def _missing_hint(self, name: str) -> str | None:
        disabled = self.disabled.get(name)
        if disabled is not None and disabled.profiles:
            profile = disabled.profiles[0]
            return f'service "{name}" is disabled: enable it with --profile {profile}'
        if 0 < len(self.services) <= _LISTED_IN_HINT:
            return f"services: {', '.join(self.service_names)}"
        return None
