"""The facts about the Podman that will run a project which some checks need, as a Protocol.

Reading them may cost a request (`podman info`), so checks ask only once they have a
service the answer matters for. `up` gets them from the API (composer.ops.steps.preflight),
`composer doctor` from its own readings (composer.doctor.checks_rootless).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from composer.model import Project, Service
from composer.plan import idmap


class HostFacts(Protocol):
    """What the checks need to know about the Podman that will run the project."""

    @property
    def rootless(self) -> bool: ...

    @property
    def unprivileged_port_start(self) -> int | None:
        """The sysctl where Podman runs; None when unknown (a remote Podman)."""
        ...

    @property
    def uid_map(self) -> idmap.IdMap:
        """Podman's own user namespace (rootless), () for rootful Podman."""
        ...

    @property
    def gid_map(self) -> idmap.IdMap:
        """The same for group IDs."""
        ...

    @property
    def podman_version(self) -> tuple[int, int] | None:
        """Podman's (major, minor) version; None when unknown."""
        ...


@dataclass(frozen=True)
class ServiceProblem:
    """A refusal about one key of one service (doctor points at it by file and line)."""

    service: str
    key: str
    message: str


def running_services(project: Project, scales: Mapping[str, int] | None = None) -> list[Service]:
    """The services that get containers (scale 0 creates nothing), by name."""
    chosen = scales or {}
    return [s for _, s in sorted(project.services.items()) if chosen.get(s.name, s.scale) > 0]
