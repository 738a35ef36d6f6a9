"""The model as runtime-neutral specs: one ProjectPlan with the pod, networks, volumes, containers.

Build the plan from the whole project (profile-disabled services stay known, so they are not
taken for orphans); which services a command acts on is a convergence option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from composer.graph import build_graph
from composer.model import Network, Project, Volume
from composer.plan import labels
from composer.plan.podmode import PodMode, check_shared_mode
from composer.plan.translate_container import container_spec
from composer.plan.translate_context import PlanContext
from composer.plan.translate_pod import grouping_pod, shared_pod
from composer.specs import ContainerSpec, NetworkSpec, PodSpec, SubnetSpec, VolumeSpec


@dataclass(frozen=True)
class ProjectPlan:
    """Everything `up` would make real, in start order (dependencies first)."""

    project: str
    pod_mode: PodMode
    pod: PodSpec | None
    networks: tuple[NetworkSpec, ...]
    volumes: tuple[VolumeSpec, ...]
    containers: Mapping[str, tuple[ContainerSpec, ...]]  # service -> replicas 1..scale
    pod_hash: str = ""
    # service -> {dependency: whether the service restarts when that dependency is recreated}
    needs: Mapping[str, Mapping[str, bool]] = field(default_factory=dict)
    known_services: frozenset[str] = frozenset()  # enabled and profile-disabled: never orphans

    @property
    def services(self) -> tuple[str, ...]:
        """The enabled services in start order."""
        return tuple(self.containers)

    def with_image_ids(self, image_ids: Mapping[str, str]) -> ProjectPlan:
        """This plan with each service's local image id (`image_ids[service]`) in its containers'
        image label, exactly as `plan_project(..., image_ids=image_ids)` makes it."""
        return replace(
            self,
            containers={
                service: tuple(_with_image_id(spec, image_ids.get(service)) for spec in specs)
                for service, specs in self.containers.items()
            },
        )


def _with_image_id(spec: ContainerSpec, image_id: str | None) -> ContainerSpec:
    if not image_id:
        return spec
    return replace(spec, labels={**spec.labels, labels.IMAGE: image_id})


def plan_project(
    project: Project,
    *,
    pod_mode: PodMode,
    infra_image: str | None = None,
    scales: Mapping[str, int] | None = None,
    image_ids: Mapping[str, str] | None = None,
) -> ProjectPlan:
    """Translate `project`; in `shared` mode refuse first what one network namespace breaks.

    `scales` are `--scale` overrides; `image_ids` the local image ids (the image label).
    """
    if pod_mode == "shared":
        check_shared_mode(project, scales)
    ctx = PlanContext(project, pod_mode, dict(scales or {}), dict(image_ids or {}))
    pod = _pod(ctx, infra_image or "")
    order = build_graph(project).start_order()
    containers = {
        name: tuple(
            container_spec(ctx, project.services[name], number)
            for number in range(1, ctx.scale(name) + 1)
        )
        for name in order
    }
    return ProjectPlan(
        project=project.name,
        pod_mode=pod_mode,
        pod=pod,
        networks=network_specs(ctx),
        volumes=volume_specs(ctx),
        containers=containers,
        pod_hash=pod.labels[labels.POD_HASH] if pod else "",
        needs={
            name: {dep.service: dep.restart for dep in project.services[name].dependencies()}
            for name in order
        },
        known_services=frozenset(project.services) | frozenset(project.disabled),
    )


def _pod(ctx: PlanContext, infra_image: str) -> PodSpec | None:
    if ctx.pod_mode == "shared":
        return shared_pod(ctx, infra_image)
    if ctx.pod_mode == "separate":
        return grouping_pod(ctx)
    return None


def network_specs(ctx: PlanContext) -> tuple[NetworkSpec, ...]:
    """Every non-external network an enabled service uses, by key."""
    used = {key for service in ctx.services for key in service.networks}
    project = ctx.project
    return tuple(
        network_spec(project.name, project.networks[key])
        for key in sorted(used)
        if key in project.networks and not project.networks[key].external
    )


def network_spec(project: str, network: Network) -> NetworkSpec:
    tags = {**network.labels, **labels.project_labels(project), labels.NETWORK: network.key}
    pools = network.ipam.config if network.ipam else ()
    return NetworkSpec(
        name=network.name,
        labels=tags,
        driver=network.driver or "bridge",
        options=dict(network.driver_opts),
        internal=network.internal,
        ipv6=bool(network.enable_ipv6),
        subnets=tuple(
            SubnetSpec(pool.subnet, pool.gateway or "", pool.ip_range or "")
            for pool in pools
            if pool.subnet
        ),
    )


def volume_specs(ctx: PlanContext) -> tuple[VolumeSpec, ...]:
    """Every non-external named volume an enabled service mounts, by key."""
    project = ctx.project
    used = {
        mount.source
        for service in ctx.services
        for mount in service.volumes
        if mount.type == "volume" and mount.source
    }
    return tuple(
        volume_spec(project.name, project.volumes[key])
        for key in sorted(used)
        if key in project.volumes and not project.volumes[key].external
    )


def volume_spec(project: str, volume: Volume) -> VolumeSpec:
    tags = {**volume.labels, **labels.project_labels(project), labels.VOLUME: volume.key}
    return VolumeSpec(
        name=volume.name,
        labels=tags,
        driver=volume.driver or "local",
        options=dict(volume.driver_opts),
    )
