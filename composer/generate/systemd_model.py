"""A project as systemd services: which units exist and how they depend on each other.

Built from the plan (the same ContainerSpecs `up` creates) and the model's dependencies; the
units writer (`systemd_units.py`) and the Quadlet writer (`quadlet.py`) both render it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from composer.errors import ComposerError
from composer.model import Project, Service
from composer.model.parts import (
    SERVICE_COMPLETED_SUCCESSFULLY,
    SERVICE_HEALTHY,
    ServiceHook,
)
from composer.plan import labels
from composer.plan.translate import ProjectPlan
from composer.specs import (
    ContainerSpec,
    HealthcheckSpec,
    NetworkSpec,
    PodSpec,
    RestartSpec,
    VolumeSpec,
)

Scope = Literal["system", "user"]
Version = tuple[int, int]
DEFAULT_STOP_TIMEOUT = 10
# Podman's own healthcheck defaults (what a service without timings gets).
HEALTH_DEFAULTS = {"interval": 30.0, "timeout": 30.0, "retries": 3, "start_period": 0.0}
NAMESPACE_KINDS = frozenset({"network_mode", "ipc", "pid", "uts", "cgroup"})


@dataclass(frozen=True)
class EnvFiles:
    """A service's `env_file` paths that exist, and the keys its `environment` sets itself."""

    paths: tuple[str, ...] = ()
    declared: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Need:
    """One unit another one needs: hard (Requires) or soft (Wants), bound, restarted with it."""

    unit: str
    required: bool = True
    bound: bool = False  # a namespace the dependent lives in: it stops with the dependency
    restart: bool = False  # depends_on.restart: restarted when the dependency restarts


@dataclass(frozen=True)
class HealthWait:
    """A container whose health a unit waits for before it starts, and for how long at most."""

    container: str
    seconds: float


@dataclass(frozen=True)
class ContainerUnit:
    """One replica of one service as a service unit."""

    unit: str
    service: str
    spec: ContainerSpec  # as `up` creates it, minus the values env files give by path
    env_files: tuple[str, ...] = ()
    needs: tuple[Need, ...] = ()
    networks: tuple[str, ...] = ()  # network units it joins (separate/none modes)
    volumes: tuple[str, ...] = ()  # volume units it mounts
    health_waits: tuple[HealthWait, ...] = ()
    oneshot: bool = False  # another service waits for it to complete successfully
    restart: RestartSpec = field(default_factory=RestartSpec)
    stop_timeout: int = DEFAULT_STOP_TIMEOUT
    post_start: tuple[ServiceHook, ...] = ()
    pre_stop: tuple[ServiceHook, ...] = ()
    pull: str = ""  # always or never; "" is Podman's default (missing)
    builds: bool = False  # its image comes from `build:`


@dataclass(frozen=True)
class PodUnit:
    unit: str
    spec: PodSpec
    networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkUnit:
    unit: str
    key: str
    spec: NetworkSpec


@dataclass(frozen=True)
class VolumeUnit:
    unit: str
    key: str
    spec: VolumeSpec


@dataclass(frozen=True)
class SystemdProject:
    """Everything the writers need; unit names are the same in both formats."""

    project: str
    target: str
    pod: PodUnit | None
    networks: tuple[NetworkUnit, ...]
    volumes: tuple[VolumeUnit, ...]
    containers: tuple[ContainerUnit, ...]  # in start order
    warnings: tuple[str, ...] = ()

    def units(self) -> list[str]:
        """Every service unit, in start order (networks, volumes, the pod, the containers)."""
        found = [n.unit for n in self.networks] + [v.unit for v in self.volumes]
        found += [self.pod.unit] if self.pod else []
        return found + [c.unit for c in self.containers]


def target_name(project: str) -> str:
    return f"{project}.target"


def pod_unit_name(project: str) -> str:
    return f"{project}-pod.service"


def container_unit_name(project: str, service: str, number: int, replicas: int) -> str:
    stem = f"{project}-{service}" if replicas == 1 else f"{project}-{service}-{number}"
    return f"{stem}.service"


def network_unit_name(project: str, key: str) -> str:
    return f"{project}-{key}-network.service"


def volume_unit_name(project: str, key: str) -> str:
    return f"{project}-{key}-volume.service"


def systemd_project(
    plan: ProjectPlan,
    project: Project,
    env_files: Mapping[str, EnvFiles] | None = None,
    *,
    podman_version: Version = (4, 3),
) -> SystemdProject:
    """The units of `plan`: one per network, volume, the pod and each container."""
    name = plan.project
    networks = tuple(
        NetworkUnit(network_unit_name(name, key), key, spec)
        for spec in plan.networks
        for key in [spec.labels[labels.NETWORK]]
    )
    volumes = tuple(
        VolumeUnit(volume_unit_name(name, key), key, spec)
        for spec in plan.volumes
        for key in [spec.labels[labels.VOLUME]]
    )
    network_units = {unit.spec.name: unit.unit for unit in networks}
    volume_units = {unit.spec.name: unit.unit for unit in volumes}
    pod = None
    if plan.pod is not None:
        joined = plan.pod.networks
        attached = tuple(network_units[n.name] for n in joined if n.name in network_units)
        pod = PodUnit(pod_unit_name(name), plan.pod, attached)
    builder = _ContainerUnits(plan, project, env_files or {}, network_units, volume_units)
    containers = tuple(
        builder.unit(service, number, spec)
        for service, specs in plan.containers.items()
        for number, spec in enumerate(specs, start=1)
    )
    result = SystemdProject(name, target_name(name), pod, networks, volumes, containers)
    _check_unique(result)
    return replace(result, warnings=tuple(builder.warnings))


@dataclass
class _ContainerUnits:
    plan: ProjectPlan
    project: Project
    env_files: Mapping[str, EnvFiles]
    network_units: Mapping[str, str]
    volume_units: Mapping[str, str]
    warnings: list[str] = field(default_factory=list)

    def unit_names(self, service: str) -> list[str]:
        replicas = len(self.plan.containers.get(service, ()))
        return [
            container_unit_name(self.plan.project, service, number, replicas)
            for number in range(1, replicas + 1)
        ]

    def unit(self, service_name: str, number: int, spec: ContainerSpec) -> ContainerUnit:
        service = self.project.services[service_name]
        files = self.env_files.get(service_name, EnvFiles())
        if files.paths:
            spec = replace(spec, env={k: v for k, v in spec.env.items() if k in files.declared})
        oneshot = self._completed_by_others(service_name)
        return ContainerUnit(
            unit=self.unit_names(service_name)[number - 1],
            service=service_name,
            spec=spec,
            env_files=files.paths,
            needs=tuple(self._needs(service)),
            networks=tuple(
                self.network_units[n.name] for n in spec.networks if n.name in self.network_units
            ),
            volumes=tuple(
                dict.fromkeys(
                    self.volume_units[m.source]
                    for m in spec.mounts
                    if m.type == "volume" and m.source in self.volume_units
                )
            ),
            health_waits=tuple(self._health_waits(service)),
            oneshot=oneshot,
            restart=self._restart(service_name, spec.restart, oneshot),
            stop_timeout=DEFAULT_STOP_TIMEOUT if spec.stop_timeout is None else spec.stop_timeout,
            post_start=service.post_start,
            pre_stop=service.pre_stop,
            pull=_pull(service),
            builds=service.build is not None,
        )

    def _needs(self, service: Service) -> list[Need]:
        needs = []
        for dep in service.dependencies():
            bound = bool(NAMESPACE_KINDS & set(dep.kinds))
            for unit in self.unit_names(dep.service):
                needs.append(Need(unit, dep.required, bound, dep.restart))
        return needs

    def _health_waits(self, service: Service) -> list[HealthWait]:
        waits = []
        for dep in service.dependencies():
            if dep.condition != SERVICE_HEALTHY:
                continue
            specs = self.plan.containers.get(dep.service, ())
            for spec in specs:
                waits.append(HealthWait(spec.name, health_bound(dep.service, spec.healthcheck)))
        return waits

    def _completed_by_others(self, name: str) -> bool:
        return any(
            dep.service == name and dep.condition == SERVICE_COMPLETED_SUCCESSFULLY
            for other in self.project.services.values()
            for dep in other.dependencies()
        )

    def _restart(self, service: str, policy: RestartSpec, oneshot: bool) -> RestartSpec:
        if oneshot and policy.policy in ("always", "unless-stopped"):
            self.warnings.append(
                f'service "{service}": other services wait for it to complete, so its unit '
                f'runs once (Type=oneshot); restart "{policy.policy}" becomes Restart=on-failure'
            )
            return RestartSpec("on-failure")
        return policy


def health_bound(service: str, check: HealthcheckSpec | None) -> float:
    """How long a service may take to turn healthy: its start period and every retry."""
    if check is not None and check.disabled:
        raise ComposerError(
            f'service "{service}" has its healthcheck disabled, but another service waits '
            "for it to be healthy (depends_on condition service_healthy)"
        )
    interval = _or(check.interval if check else None, HEALTH_DEFAULTS["interval"])
    timeout = _or(check.timeout if check else None, HEALTH_DEFAULTS["timeout"])
    retries = int(_or(check.retries if check else None, HEALTH_DEFAULTS["retries"]))
    start = _or(check.start_period if check else None, HEALTH_DEFAULTS["start_period"])
    return start + (retries + 1) * (interval + timeout)


def _or(value: float | None, default: float) -> float:
    return default if value is None else float(value)


def _pull(service: Service) -> str:
    """`pull_policy` as `podman run --pull`: always and never; the rest is Podman's default."""
    policy = (service.pull_policy or "").lower()
    return policy if policy in ("always", "never") else ""


def _check_unique(project: SystemdProject) -> None:
    seen: dict[str, int] = {}
    for unit in project.units():
        seen[unit] = seen.get(unit, 0) + 1
    clashes = sorted(unit for unit, count in seen.items() if count > 1)
    if clashes:
        raise ComposerError(
            f"unit name {clashes[0]} would be used twice (a service, network or volume name "
            "clashes with another unit of the project)",
            hint="rename the service, network or volume key",
        )
