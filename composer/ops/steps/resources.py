"""What containers need before they exist: project networks and volumes, external ones checked,
and the host directories of bind mounts with `create_host_path`."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from composer.errors import ComposerError
from composer.execute import run_graph
from composer.model import Project
from composer.ops.results import raise_failures
from composer.plan import labels
from composer.plan.translate import ProjectPlan
from composer.progress import Progress
from composer.runtime.base import Runtime
from composer.specs import ContainerSpec, NetworkSpec, VolumeSpec


@dataclass(frozen=True)
class Resources:
    """The networks and volumes `up` must see before the pod and containers are made."""

    networks: tuple[NetworkSpec, ...]
    volumes: tuple[VolumeSpec, ...]
    external_networks: tuple[str, ...]
    external_volumes: tuple[str, ...]


def needed_resources(project: Project, plan: ProjectPlan, services: Iterable[str]) -> Resources:
    """The plan's networks and volumes, and the external ones the given services use."""
    chosen = [project.services[name] for name in services if name in project.services]
    network_keys = {key for service in chosen for key in service.networks}
    volume_keys = {
        mount.source
        for service in chosen
        for mount in service.volumes
        if mount.type == "volume" and mount.source
    }
    return Resources(
        networks=plan.networks,
        volumes=plan.volumes,
        external_networks=tuple(
            sorted(
                project.networks[key].name
                for key in network_keys
                if key in project.networks and project.networks[key].external
            )
        ),
        external_volumes=tuple(
            sorted(
                project.volumes[key].name
                for key in volume_keys
                if key in project.volumes and project.volumes[key].external
            )
        ),
    )


def check_external(runtime: Runtime, resources: Resources) -> None:
    """External networks and volumes must exist: composer never creates them."""
    problems = [
        f"network {name} declared as external, but could not be found"
        for name in resources.external_networks
        if not runtime.network_exists(name)
    ]
    problems += [
        f'external volume "{name}" not found'
        for name in resources.external_volumes
        if not runtime.volume_exists(name)
    ]
    if problems:
        raise ComposerError(
            "\n".join(problems), hint="create them first (podman network/volume create)"
        )


@dataclass
class ResourceMaker:
    """Creates what is missing; warns about same-named objects of another origin."""

    runtime: Runtime
    project: str
    progress: Progress
    created: int = 0

    def ensure(self, resources: Resources, limit: int | None = None) -> None:
        """Create missing networks and volumes in parallel; raise with every failure."""
        items: dict[str, NetworkSpec | VolumeSpec] = {
            f"Network {spec.name}": spec for spec in resources.networks
        }
        items |= {f"Volume {spec.name}": spec for spec in resources.volumes}
        results = run_graph(
            list(items), lambda _item: (), lambda i: self._one(i, items[i]), limit=limit
        )
        raise_failures(results)

    def _one(self, item: str, spec: NetworkSpec | VolumeSpec) -> None:
        if isinstance(spec, NetworkSpec):
            exists, kind = self.runtime.network_exists(spec.name), "network"
        else:
            exists, kind = self.runtime.volume_exists(spec.name), "volume"
        if exists:
            self._warn_if_foreign(kind, spec.name)
            return
        self.progress.update(item, "Creating")
        try:
            if isinstance(spec, NetworkSpec):
                self.runtime.create_network(spec)
            else:
                self.runtime.create_volume(spec)
        except ComposerError:
            self.progress.update(item, "Error")
            raise
        self.created += 1
        self.progress.update(item, "Created")

    def _warn_if_foreign(self, kind: str, name: str) -> None:
        """docker compose uses such an object, but says it is not the project's."""
        selector = {labels.PROJECT: self.project}
        listing = (
            self.runtime.list_networks(selector)
            if kind == "network"
            else self.runtime.list_volumes(selector)
        )
        if any(found.name == name for found in listing):
            return
        self.progress.message(
            f"warning: a {kind} with name {name} exists but was not created for project "
            f'"{self.project}". Set `external: true` to use an existing {kind}'
        )


def create_host_paths(containers: Iterable[tuple[str, ContainerSpec]]) -> None:
    """Make the missing source directory of each bind mount that asks for it."""
    for service, spec in containers:
        for mount in spec.mounts:
            if mount.type != "bind" or not mount.create_host_path or not mount.source:
                continue
            if os.path.lexists(mount.source):
                continue
            try:
                os.makedirs(mount.source, exist_ok=True)
            except OSError as error:
                raise ComposerError(
                    f'service "{service}": cannot create {mount.source} for its bind mount: '
                    f"{error.strerror or error}",
                    hint="create the directory yourself, or fix the volume's source path",
                ) from None
