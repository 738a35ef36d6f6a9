"""What the host decides about a project, checked before anything is created.

Some files are fine for one Podman and fail on another: rootless Podman cannot publish ports
below `net.ipv4.ip_unprivileged_port_start`; user namespace modes have their own limits
(composer.plan.userns_rules). `check_host` raises them all at once, naming each service.
"""

from __future__ import annotations

from collections.abc import Mapping

from composer.errors import ConfigError, Problem
from composer.model import Project, Service
from composer.plan.hostfacts import HostFacts, running_services
from composer.plan.podmode import PodMode
from composer.plan.userns_rules import userns_problems

SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def check_host(
    project: Project,
    pod_mode: PodMode,
    facts: HostFacts,
    scales: Mapping[str, int] | None = None,
) -> None:
    """Refuse what this Podman would fail on, naming each service; changes nothing."""
    services = running_services(project, scales)
    problems = [
        *low_port_problems(services, facts),
        *(found.message for found in userns_problems(services, pod_mode, facts)),
    ]
    if problems:
        raise ConfigError([Problem(None, None, "", message) for message in problems])


def low_ports(service: Service, start: int) -> list[int]:
    """The host ports a service publishes below `start`, sorted."""
    found: set[int] = set()
    for port in service.ports:
        span = port.published_range
        if span is not None and span[0] < start:
            found.update(range(span[0], min(span[1] + 1, start)))
    return sorted(found)


def ports_text(ports: list[int]) -> str:
    """`port 80`, `ports 1000-1023` for a run, `ports 80, 443` otherwise."""
    if len(ports) == 1:
        return f"port {ports[0]}"
    if ports[-1] - ports[0] + 1 == len(ports):
        return f"ports {ports[0]}-{ports[-1]}"
    return "ports " + ", ".join(str(port) for port in ports)


def low_port_problems(services: list[Service], facts: HostFacts) -> list[str]:
    start = facts.unprivileged_port_start
    if not start:
        return []
    found = [(service, ports) for service in services if (ports := low_ports(service, start))]
    if not found or not facts.rootless:
        return []
    return [
        f'service "{service.name}" publishes {ports_text(ports)}, below {SYSCTL} ({start}): '
        f'rootless Podman cannot bind it ("rootlessport cannot expose privileged port '
        f'{ports[0]}"); publish on {start} or above, or allow it for every user with '
        f"`sudo sysctl {SYSCTL}={ports[0]}` (persist it in /etc/sysctl.d/)"
        for service, ports in found
    ]
