"""What translating one service needs to know about the rest of the project."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from composer.model import Project, Service
from composer.plan import names
from composer.plan.podmode import PodMode
from composer.references import CONTAINER_PREFIX, link_alias, link_service

LOCALHOST = "127.0.0.1"


@dataclass(frozen=True)
class PlanContext:
    """The project, the pod mode, and the overrides a command line gives (`--scale`)."""

    project: Project
    pod_mode: PodMode
    scales: Mapping[str, int] = field(default_factory=dict)
    image_ids: Mapping[str, str] = field(default_factory=dict)

    @property
    def pod(self) -> str:
        """The project's pod, or "" in `none` mode."""
        return "" if self.pod_mode == "none" else names.pod_name(self.project.name)

    @property
    def services(self) -> list[Service]:
        """The enabled services, by name."""
        return [self.project.services[name] for name in sorted(self.project.services)]

    def scale(self, service: str) -> int:
        """How many replicas of `service` run: `--scale`, else the file's scale."""
        return self.scales.get(service, self.project.services[service].scale)

    def container_name(self, service: str, number: int) -> str:
        explicit = self.project.services[service].container_name
        return names.container_name(self.project.name, service, number, explicit)

    def container_names(self, service: str) -> list[str]:
        """The names of every replica, numbered 1..scale."""
        return [self.container_name(service, n) for n in range(1, self.scale(service) + 1)]

    def first_container(self, service: str) -> str:
        """What `service:x` references resolve to (docker compose: the first replica)."""
        return self.container_name(service, 1)

    def network_name(self, key: str) -> str:
        """The real name of the network the file calls `key`."""
        network = self.project.networks.get(key)
        return network.name if network else f"{self.project.name}_{key}"

    def volume_name(self, key: str) -> str:
        """The real name of a named volume: `<project>_<key>`, its `name`, or the external one."""
        volume = self.project.volumes.get(key)
        return volume.name if volume else key

    def namespace(self, value: str | None) -> str:
        """A `service:x` namespace as `container:<first container of x>`; others unchanged."""
        if value and value.startswith("service:"):
            return CONTAINER_PREFIX + self.first_container(value.removeprefix("service:"))
        return value or ""

    @cached_property
    def _link_aliases(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for service in self.services:
            for link in service.links:
                target, alias = link_service(link), link_alias(link)
                if alias != target:
                    found.setdefault(target, []).append(alias)
        return found

    def link_aliases(self, service: str) -> list[str]:
        """The names other services reach `service` by through `links: [service:alias]`."""
        return list(dict.fromkeys(self._link_aliases.get(service, [])))
