"""Compose settings the Kubernetes manifests cannot carry: one line per key and service.

Nothing is dropped silently. The lines name the key and say why; they never quote a value
that could be a secret (environment values, secret content), only the settings themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from composer.model import SERVICE_COMPLETED_SUCCESSFULLY, SERVICE_HEALTHY, Project, Service

Flavor = Literal["podman", "cluster"]
NO_EQUIVALENT = "has no Kubernetes equivalent; left out"
# Keys kept as plain data in Service.other that do something, and what Kubernetes lacks.
OTHER_KEYS = (
    "blkio_config",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "credential_spec",
    "develop",
    "models",
    "provider",
    "pull_refresh_after",
    "use_api_socket",
)
SETTINGS = (
    "device_cgroup_rules",
    "external_links",
    "ulimits",
    "cgroup",
    "cgroup_parent",
    "cpuset",
    "cpu_period",
    "cpu_quota",
    "memswap_limit",
    "mem_swappiness",
    "oom_score_adj",
    "storage_opt",
    "mac_address",
    "domainname",
    "stop_signal",
    "logging",
)
PULL_POLICIES = ("always", "never", "missing", "if_not_present", "build")


@dataclass(frozen=True, order=True)
class Unmapped:
    """One compose key of one service (or network) that the manifests do not carry."""

    owner: str  # `service "web"` or `network "front"`
    key: str
    reason: str = NO_EQUIVALENT

    def __str__(self) -> str:
        return f"{self.owner}: {self.key} {self.reason}"


def service_owner(name: str) -> str:
    return f'service "{name}"'


Check = Callable[[Service, Flavor], Iterator[tuple[str, str]]]


def _settings(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    for key in SETTINGS:
        value = getattr(service, key)
        if value not in (None, (), {}, False, ""):
            yield key, NO_EQUIVALENT
    for key in OTHER_KEYS:
        if key in service.other:
            yield key, NO_EQUIVALENT


def _resource_settings(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    if service.devices:
        yield (
            "devices",
            "has no Kubernetes equivalent (a device plugin gives Pods devices); left out",
        )
    if service.pids_limit is not None or _deploy_pids(service):
        yield "pids_limit", "has no per-container Kubernetes equivalent; left out"
    if service.cpu_shares is not None:
        yield "cpu_shares", "is a relative weight; Kubernetes takes CPU requests; left out"
    if service.oom_kill_disable:
        yield "oom_kill_disable", NO_EQUIVALENT
    if service.init:
        yield "init", "(an init process as PID 1) has no Kubernetes equivalent; left out"
    if service.gpus or _reserved_devices(service):
        yield "gpus", "needs a device plugin's resource name in Kubernetes; left out"
    if service.runtime:
        yield "runtime", "needs a RuntimeClass in Kubernetes (runtimeClassName); left out"
    if service.container_name:
        yield "container_name", "is not kept: Kubernetes names containers after their Pod"


def _deploy_pids(service: Service) -> bool:
    deploy = service.deploy
    limits = deploy.resources.limits if deploy and deploy.resources else None
    return bool(limits and limits.pids is not None)


def _reserved_devices(service: Service) -> bool:
    deploy = service.deploy
    reservations = deploy.resources.reservations if deploy and deploy.resources else None
    return bool(reservations and reservations.devices)


def _namespaces(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    mode = service.network_mode
    if mode and mode not in ("host", "bridge", "default"):
        yield f"network_mode {mode}", "has no Kubernetes equivalent (only host); left out"
    if service.ipc and service.ipc not in ("host", "private", "shareable"):
        yield f"ipc {service.ipc}", "has no Kubernetes equivalent (only host); left out"
    if service.pid and service.pid != "host":
        yield f"pid {service.pid}", "has no Kubernetes equivalent (only host); left out"
    if service.uts:
        yield f"uts {service.uts}", NO_EQUIVALENT
    if service.userns_mode and flavor == "cluster":
        yield "userns_mode", "has no Kubernetes equivalent; left out"


def _security(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    for option in service.security_opt:
        if option.replace("=", ":").split(":")[0] in ("no-new-privileges", "seccomp"):
            continue
        yield f"security_opt {option}", NO_EQUIVALENT
    user = service.user or ""
    if user and not all(part.isdigit() for part in user.split(":", 1)):
        yield "user", "is a name; Kubernetes takes numeric user and group IDs; left out"
    for group in service.group_add:
        if not group.isdigit():
            yield f"group_add {group}", "is a name; Kubernetes takes numeric group IDs; left out"


def _images(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    if service.build is not None and flavor == "cluster":
        yield "build", "is not done by Kubernetes: push the image where the cluster can pull it"
    policy = service.pull_policy
    if policy and policy not in PULL_POLICIES:
        yield f"pull_policy {policy}", NO_EQUIVALENT
    if policy == "build" and flavor == "cluster":
        yield "pull_policy build", "is not done by Kubernetes; left out"
    if service.platform and flavor == "podman":
        yield "platform", "is not honoured by podman play kube; left out"


def _dependencies(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    for name, entry in sorted(service.depends_on.items()):
        condition = entry.condition
        if flavor == "podman" and condition in (SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY):
            yield (
                f"depends_on {name} ({condition})",
                "is not waited for: Podman starts the containers of a Pod together",
            )
        elif flavor == "cluster" and condition not in (
            SERVICE_HEALTHY,
            SERVICE_COMPLETED_SUCCESSFULLY,
        ):
            yield (
                f"depends_on {name} ({condition})",
                "has no Kubernetes equivalent: Pods start in any order",
            )
    for link in service.links:
        target, _, alias = link.partition(":")
        if alias and alias != target and flavor == "cluster":
            yield f"links {link}", "(an alias) has no Kubernetes equivalent; left out"
    for source in service.volumes_from:
        yield f"volumes_from {source}", NO_EQUIVALENT


def _hooks(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    for key in ("post_start", "pre_stop"):
        hooks = getattr(service, key)
        if len(hooks) > 1:
            yield key, "has several hooks; Kubernetes runs one: only the first is kept"
        for hook in hooks[:1]:
            if hook.user or hook.privileged or hook.working_dir or hook.environment:
                yield (
                    f"{key} user/privileged/working_dir/environment",
                    "have no Kubernetes equivalent (the hook runs as the container does)",
                )


def _deploy(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    deploy = service.deploy
    if deploy is None:
        return
    for key in sorted(key for key, value in deploy.other.items() if value not in ({}, [], None)):
        yield f"deploy.{key}", "is a swarm setting with no Kubernetes equivalent; left out"
    if deploy.mode and deploy.mode != "replicated":
        yield f"deploy.mode {deploy.mode}", NO_EQUIVALENT
    if deploy.endpoint_mode:
        yield "deploy.endpoint_mode", NO_EQUIVALENT
    policy = deploy.restart_policy
    if policy is not None and (policy.delay is not None or policy.window is not None):
        yield "deploy.restart_policy delay/window", "have no Kubernetes equivalent; left out"


def _network_settings(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    """Per-network settings: addresses never map; aliases do only in the shared Pod's hosts."""
    for key, network in sorted(service.networks.items()):
        if network.aliases and flavor == "cluster":
            yield f"networks.{key}.aliases", "have no Kubernetes equivalent (only Service names)"
        for field in ("ipv4_address", "ipv6_address", "mac_address"):
            if getattr(network, field):
                yield f"networks.{key}.{field}", NO_EQUIVALENT


def _podman_only(service: Service, flavor: Flavor) -> Iterator[tuple[str, str]]:
    if flavor != "podman":
        return
    if service.shm_size is not None:
        yield "shm_size", "is not honoured by podman play kube; left out"
    if any(h for h in (service.post_start, service.pre_stop)):
        yield "post_start/pre_stop", "are not run by podman play kube; left out"


CHECKS: tuple[Check, ...] = (
    _settings,
    _resource_settings,
    _namespaces,
    _security,
    _images,
    _dependencies,
    _hooks,
    _deploy,
    _network_settings,
    _podman_only,
)


def service_unmapped(service: Service, flavor: Flavor) -> list[Unmapped]:
    """The keys of `service` the `flavor` manifests leave out, in a stable order."""
    owner = service_owner(service.name)
    found = [
        Unmapped(owner, key, reason) for check in CHECKS for key, reason in check(service, flavor)
    ]
    return list(dict.fromkeys(found))


def network_unmapped(project: Project) -> list[Unmapped]:
    """Network settings: Kubernetes gives every Pod one flat network."""
    used = {key for service in project.services.values() for key in service.networks}
    found = []
    for key in sorted(used):
        network = project.networks.get(key)
        if network is None:
            continue
        owner = f'network "{key}"'
        if network.ipam is not None and network.ipam.config:
            found.append(Unmapped(owner, "ipam", NO_EQUIVALENT))
        if network.driver_opts:
            found.append(Unmapped(owner, "driver_opts", NO_EQUIVALENT))
        if network.internal:
            found.append(Unmapped(owner, "internal", "needs a NetworkPolicy; left out"))
    return found


def networks_unmapped(project: Project) -> list[Unmapped]:
    """Services kept apart on their own networks: in Kubernetes every Pod reaches every other."""
    used = {key for service in project.services.values() for key in service.networks}
    if len(used) < 2:
        return []
    return [
        Unmapped(
            service_owner(name),
            f"networks ({', '.join(sorted(service.networks))})",
            "do not isolate anything in Kubernetes: every Pod reaches every other",
        )
        for name, service in sorted(project.services.items())
        if service.networks
    ]
