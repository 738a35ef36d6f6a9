"""The pod mode (shared, separate, none): where it comes from, and what `shared` cannot run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from composer.errors import ComposerError, ConfigError, Problem
from composer.model import Project, Service
from composer.plan.ports import expose_specs

PodMode = Literal["shared", "separate", "none"]
POD_MODES: tuple[PodMode, ...] = ("shared", "separate", "none")
DEFAULT_POD_MODE: PodMode = "shared"
ENV_VAR = "COMPOSER_POD_MODE"
EXTENSION = "x-podman"

# podman-compose's `in_pod` as text (an interpolated value arrives as a string).
_IN_POD_TEXT = {"true": True, "1": True, "false": False, "0": False}

SEPARATE_HINT = "Use --pod-mode separate (or x-podman: {pod_mode: separate}) to give each its own."
SHARED_NETNS = "in shared pod mode all services share one network namespace"


def resolve_pod_mode(
    project: Project, *, flag: str | None = None, environ: Mapping[str, str] | None = None
) -> PodMode:
    """`--pod-mode` > COMPOSER_POD_MODE > x-podman pod_mode / in_pod > `shared`."""
    if flag:
        return _checked(flag, "--pod-mode")
    from_env = (environ or {}).get(ENV_VAR, "")
    if from_env:
        return _checked(from_env, ENV_VAR)
    settings = project.extensions.get(EXTENSION)
    if isinstance(settings, Mapping):
        from_file = _from_extension(settings)
        if from_file is not None:
            return from_file
    return DEFAULT_POD_MODE


def _from_extension(settings: Mapping[str, Any]) -> PodMode | None:
    """`pod_mode` wins over podman-compose's `in_pod` (false: no pod, true: the shared pod)."""
    mode = settings.get("pod_mode")
    if mode is not None:
        return _checked(str(mode), f"{EXTENSION}.pod_mode")
    in_pod = settings.get("in_pod")
    if in_pod is None:
        return None
    if isinstance(in_pod, str):
        in_pod = _IN_POD_TEXT.get(in_pod.strip().lower(), in_pod)
    if isinstance(in_pod, bool):
        return "shared" if in_pod else "none"
    raise ComposerError(
        f'invalid {EXTENSION}.in_pod "{in_pod}": use true or false',
        hint="custom pod names are not supported; x-podman: {pod_mode: ...} picks the pod mode",
    )


def _checked(value: str, source: str) -> PodMode:
    if value in POD_MODES:
        return value
    raise ComposerError(f'invalid pod mode "{value}" (from {source}): use shared, separate or none')


def check_shared_mode(project: Project, scales: Mapping[str, int] | None = None) -> None:
    """Refuse, before anything is created, what one shared network namespace would break."""
    services = _running_services(project, scales or {})
    problems = [
        *_port_clashes(services),
        *_scaled_with_ports(services, scales or {}),
        *_disjoint_networks(services),
        *_static_addresses(services),
        *_network_modes(services),
        *_userns_disagreement(services),
        *_pod_setting_disagreements(services),
    ]
    if problems:
        raise ConfigError([Problem(None, None, "", message) for message in problems])


def _running_services(project: Project, scales: Mapping[str, int]) -> list[Service]:
    """The services that get containers (scale 0 creates nothing), by name."""
    return [
        service
        for name, service in sorted(project.services.items())
        if scales.get(name, service.scale) > 0
    ]


def container_ports(service: Service) -> list[str]:
    """Every container port a service publishes or exposes, as `80/tcp`, in first-use order."""
    found = [f"{port.target}/{port.protocol}" for port in service.ports]
    found.extend(f"{p.container_port}/{p.protocol}" for p in expose_specs(service.expose))
    return list(dict.fromkeys(found))


def quoted_names(names: Iterable[str]) -> str:
    """`"a"`, `"a" and "b"`, `"a", "b" and "c"`."""
    quoted = [f'"{name}"' for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _port_clashes(services: list[Service]) -> list[str]:
    users: dict[str, list[str]] = {}
    for service in services:
        for port in container_ports(service):
            users.setdefault(port, []).append(service.name)
    problems = []
    for port, names in users.items():
        if len(names) > 1:
            verb = "both" if len(names) == 2 else "all"
            problems.append(
                f"services {quoted_names(names)} {verb} use container port {port}; "
                f"{SHARED_NETNS}. {SEPARATE_HINT}"
            )
    return problems


def _scaled_with_ports(services: list[Service], scales: Mapping[str, int]) -> list[str]:
    problems = []
    for service in services:
        replicas = scales.get(service.name, service.scale)
        ports = container_ports(service)
        if replicas > 1 and ports:
            noun = "port" if len(ports) == 1 else "ports"
            problems.append(
                f'service "{service.name}" runs {replicas} replicas and uses container {noun} '
                f"{', '.join(ports)}; in shared pod mode its replicas share one network "
                f"namespace. {SEPARATE_HINT}"
            )
    return problems


def _disjoint_networks(services: list[Service]) -> list[str]:
    attached = [service for service in services if service.networks]
    problems = []
    for index, first in enumerate(attached):
        for second in attached[index + 1 :]:
            if set(first.networks).isdisjoint(second.networks):
                problems.append(
                    f'services "{first.name}" (networks: {", ".join(sorted(first.networks))}) '
                    f'and "{second.name}" (networks: {", ".join(sorted(second.networks))}) '
                    f"have no network in common; {SHARED_NETNS}, so they cannot be kept "
                    f"apart. {SEPARATE_HINT}"
                )
    return problems


def _static_addresses(services: list[Service]) -> list[str]:
    problems = []
    suffix = f"in shared pod mode the pod owns the network addresses. {SEPARATE_HINT}"
    for service in services:
        if service.mac_address:
            problems.append(
                f'service "{service.name}" sets mac_address {service.mac_address}; {suffix}'
            )
        for key, network in sorted(service.networks.items()):
            for field in ("ipv4_address", "ipv6_address", "mac_address"):
                value = getattr(network, field)
                if value:
                    problems.append(
                        f'service "{service.name}" sets {field} {value} on network "{key}"; '
                        f"{suffix}"
                    )
    return problems


def _network_modes(services: list[Service]) -> list[str]:
    return [
        f'service "{service.name}" sets network_mode "{service.network_mode}"; in shared pod '
        f"mode every service uses the pod's network namespace. {SEPARATE_HINT}"
        for service in services
        if service.network_mode
    ]


def shared_userns(services: Iterable[Service]) -> str:
    """The user namespace all services agree on (it goes to the pod), or ""."""
    modes = {service.userns_mode or "" for service in services}
    return modes.pop() if len(modes) == 1 else ""


def _userns_disagreement(services: list[Service]) -> list[str]:
    modes: dict[str, list[str]] = {}
    for service in services:
        modes.setdefault(service.userns_mode or "", []).append(service.name)
    if len(modes) < 2:
        return []
    listed = "; ".join(
        f'"{mode}" ({", ".join(names)})' if mode else f"none ({', '.join(names)})"
        for mode, names in sorted(modes.items())
    )
    return [
        f"services do not agree on userns_mode: {listed}; Podman refuses --userns for a "
        "container in a pod (the user namespace must be the pod's), so in shared pod mode all "
        f"services need the same userns_mode. {SEPARATE_HINT}"
    ]


def _pod_setting_disagreements(services: list[Service]) -> list[str]:
    """dns, dns_search, dns_opt and extra_hosts live on the pod: services must not conflict."""
    problems = []
    for key in ("dns", "dns_search", "dns_opt"):
        values = {s.name: " ".join(getattr(s, key)) for s in services if getattr(s, key)}
        if len(set(values.values())) > 1:
            listed = ", ".join(f'"{name}" sets {value}' for name, value in values.items())
            problems.append(
                f"services disagree on {key}: {listed}; in shared pod mode DNS settings belong "
                f"to the pod. {SEPARATE_HINT}"
            )
    problems.extend(_extra_host_conflicts(services))
    return problems


def _extra_host_conflicts(services: list[Service]) -> list[str]:
    addresses: dict[str, dict[str, tuple[str, ...]]] = {}
    for service in services:
        per_name: dict[str, list[str]] = {}
        for entry in service.extra_hosts:
            per_name.setdefault(entry.hostname, []).append(entry.address)
        for hostname, found in per_name.items():
            addresses.setdefault(hostname, {})[service.name] = tuple(sorted(found))
    problems = []
    for hostname, by_service in sorted(addresses.items()):
        if len(set(by_service.values())) > 1:
            listed = ", ".join(
                f'"{name}" maps it to {" ".join(found)}' for name, found in by_service.items()
            )
            problems.append(
                f'services disagree on extra_hosts "{hostname}": {listed}; in shared pod mode '
                f"/etc/hosts belongs to the pod. {SEPARATE_HINT}"
            )
    return problems
