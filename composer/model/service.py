"""One service, with everything composer hands to Podman, and the services it depends on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.model.build import Build
from composer.model.deploy import Deploy
from composer.model.parts import (
    SERVICE_STARTED,
    DependsOn,
    Device,
    DeviceRequest,
    ExtraHost,
    Healthcheck,
    Logging,
    Mount,
    PortMapping,
    ServiceConfig,
    ServiceHook,
    ServiceNetwork,
    ServiceSecret,
    Ulimit,
)
from composer.references import (
    IMPLICIT_RESTART,
    NAMESPACE_KEYS,
    link_service,
    namespace_service,
    volumes_from_service,
)


@dataclass(frozen=True, slots=True)
class Dependency:
    """One service this service needs, merged over every way it is referred to.

    `kinds` lists how (`depends_on`, `links`, `volumes_from`, `network_mode`, `ipc`, `pid`,
    `uts`, `cgroup`); an explicit `depends_on` entry decides condition, required and restart.
    """

    service: str
    kinds: tuple[str, ...]
    condition: str = SERVICE_STARTED
    required: bool = True
    restart: bool = False


@dataclass(frozen=True, slots=True)
class Service:
    """A service as loaded: canonical values, typed; sizes in bytes and durations in seconds.

    `command`/`entrypoint` None means "the image's own"; `scale` is the effective replica count.
    Settings composer does not model yet stay as plain data in `other`.
    """

    name: str
    image: str | None = None
    build: Build | None = None
    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    environment: Mapping[str, str | None] = field(default_factory=dict)
    ports: tuple[PortMapping, ...] = ()
    expose: tuple[str, ...] = ()
    volumes: tuple[Mount, ...] = ()
    tmpfs: tuple[str, ...] = ()
    networks: Mapping[str, ServiceNetwork] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    external_links: tuple[str, ...] = ()
    depends_on: Mapping[str, DependsOn] = field(default_factory=dict)
    healthcheck: Healthcheck | None = None
    restart: str | None = None
    user: str | None = None
    working_dir: str | None = None
    hostname: str | None = None
    domainname: str | None = None
    container_name: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    privileged: bool = False
    devices: tuple[Device, ...] = ()
    device_cgroup_rules: tuple[str, ...] = ()
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_opt: tuple[str, ...] = ()
    extra_hosts: tuple[ExtraHost, ...] = ()
    init: bool | None = None
    ulimits: Mapping[str, Ulimit] = field(default_factory=dict)
    sysctls: Mapping[str, str] = field(default_factory=dict)
    security_opt: tuple[str, ...] = ()
    read_only: bool = False
    shm_size: int | None = None
    stop_signal: str | None = None
    stop_grace_period: float | None = None
    tty: bool = False
    stdin_open: bool = False
    userns_mode: str | None = None
    network_mode: str | None = None
    ipc: str | None = None
    pid: str | None = None
    uts: str | None = None
    cgroup: str | None = None
    cgroup_parent: str | None = None
    logging: Logging | None = None
    secrets: tuple[ServiceSecret, ...] = ()
    configs: tuple[ServiceConfig, ...] = ()
    deploy: Deploy | None = None
    mem_limit: int | None = None
    mem_reservation: int | None = None
    memswap_limit: int | None = None
    mem_swappiness: int | None = None
    cpus: float | None = None
    cpu_shares: int | None = None
    cpu_period: int | None = None
    cpu_quota: int | None = None
    cpuset: str | None = None
    pids_limit: int | None = None
    oom_kill_disable: bool = False
    oom_score_adj: int | None = None
    scale: int = 1
    profiles: tuple[str, ...] = ()
    pull_policy: str | None = None
    platform: str | None = None
    group_add: tuple[str, ...] = ()
    volumes_from: tuple[str, ...] = ()
    mac_address: str | None = None
    attach: bool = True
    runtime: str | None = None
    isolation: str | None = None
    storage_opt: Mapping[str, str] = field(default_factory=dict)
    gpus: tuple[DeviceRequest, ...] = ()
    post_start: tuple[ServiceHook, ...] = ()
    pre_stop: tuple[ServiceHook, ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=dict)
    other: Mapping[str, Any] = field(default_factory=dict)
    config_hash: str | None = None

    def dependencies(self) -> tuple[Dependency, ...]:
        """Every service this one needs, in first-mention order, one entry per service."""
        kinds: dict[str, list[str]] = {}
        for kind, target in self._references():
            seen = kinds.setdefault(target, [])
            if kind not in seen:
                seen.append(kind)
        return tuple(self._dependency(target, tuple(found)) for target, found in kinds.items())

    def dependency_names(self) -> tuple[str, ...]:
        """The names of the services this one needs."""
        return tuple(dep.service for dep in self.dependencies())

    def _dependency(self, target: str, kinds: tuple[str, ...]) -> Dependency:
        explicit = self.depends_on.get(target)
        if explicit is not None:
            return Dependency(
                target, kinds, explicit.condition, explicit.required, explicit.restart
            )
        # An implicit dependency (docker compose adds these to depends_on itself).
        restart = any(IMPLICIT_RESTART.get(kind, False) for kind in kinds)
        return Dependency(target, kinds, restart=restart)

    def _references(self) -> Iterator[tuple[str, str]]:
        for target in self.depends_on:
            yield "depends_on", target
        for link in self.links:
            yield "links", link_service(link)
        for entry in self.volumes_from:
            source = volumes_from_service(entry)
            if source:
                yield "volumes_from", source
        for key in NAMESPACE_KEYS:
            shared = namespace_service(getattr(self, key))
            if shared:
                yield key, shared
