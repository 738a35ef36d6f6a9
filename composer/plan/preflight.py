"""What the host decides about a project, checked before anything is created.

Some files are fine for one Podman and fail on another: rootless Podman cannot publish ports
below `net.ipv4.ip_unprivileged_port_start`, rootful Podman refuses `userns_mode: keep-id`
(and leaves an empty pod behind when it does). These refusals need facts about the host,
given as `HostFacts`; reading them may cost a request, so each check asks only once it has a
service the answer matters for. The ownership notes say which host UID a container user's
files in a bind mount get (the same computation `composer doctor` shows).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from composer.errors import ConfigError, Problem
from composer.model import Project, Service
from composer.model.references import CONTAINER_PREFIX, SERVICE_PREFIX
from composer.plan import idmap
from composer.plan.podmode import PodMode

SYSCTL = "net.ipv4.ip_unprivileged_port_start"
# Joining these namespaces of another container from a user namespace of one's own fails at
# start on Podman 4.3 ("error mounting sysfs/mqueue/proc ... operation not permitted").
JOINED_NAMESPACES = {"network_mode": "network", "ipc": "ipc", "pid": "pid"}


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


def running_services(project: Project, scales: Mapping[str, int] | None = None) -> list[Service]:
    """The services that get containers (scale 0 creates nothing), by name."""
    chosen = scales or {}
    return [s for _, s in sorted(project.services.items()) if chosen.get(s.name, s.scale) > 0]


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


def userns_name(service: Service) -> str:
    return (service.userns_mode or "").partition(":")[0]


@dataclass(frozen=True)
class ServiceProblem:
    """A refusal about one key of one service (doctor points at it by file and line)."""

    service: str
    key: str
    message: str


def userns_problems(
    services: list[Service], pod_mode: PodMode, facts: HostFacts
) -> list[ServiceProblem]:
    problems: list[ServiceProblem] = []
    rootless_only = [s for s in services if userns_name(s) in idmap.ROOTLESS_ONLY]
    if rootless_only and not facts.rootless:
        problems.extend(
            ServiceProblem(
                service.name,
                "userns_mode",
                f'service "{service.name}" sets userns_mode "{service.userns_mode}", which '
                "Podman supports only in rootless mode, and this Podman runs as root; run "
                "composer as an unprivileged user, or remove userns_mode",
            )
            for service in rootless_only
        )
    if pod_mode != "shared":
        # In shared mode the pod carries the user namespace and every container shares it.
        problems.extend(_joined_namespaces(services))
    return problems


def _joined_namespaces(services: list[Service]) -> list[ServiceProblem]:
    problems = []
    for service in services:
        if userns_name(service) in idmap.DEFAULT_MODES:
            continue
        for key, kind in JOINED_NAMESPACES.items():
            value = getattr(service, key) or ""
            owner = _namespace_owner(value)
            if not owner:
                continue
            message = (
                f'service "{service.name}" sets userns_mode "{service.userns_mode}" and joins '
                f"the {kind} namespace of {owner} ({key}: {value}); Podman cannot start a "
                "container that joins another container's namespace from a user namespace of "
                f'its own; remove userns_mode from "{service.name}" (it then joins from '
                "Podman's own user namespace, which works)"
            )
            problems.append(ServiceProblem(service.name, key, message))
    return problems


def _namespace_owner(value: str) -> str:
    if value.startswith(SERVICE_PREFIX):
        return f'service "{value[len(SERVICE_PREFIX) :]}"'
    if value.startswith(CONTAINER_PREFIX):
        return f'container "{value[len(CONTAINER_PREFIX) :]}"'
    return ""


@dataclass(frozen=True)
class OwnershipNote:
    """A container user writing into a bind-mounted host directory, and who owns its files.

    `owner` is that user as `podman unshare` names it (with keep-id it differs from the
    container's own UID), so that `fix()` gives the directory to the container user.
    """

    service: str
    mount_index: int
    container_uid: int
    owner: str
    source: str
    shown: str
    host_uid: int
    subuid_range: idmap.IdRange | None

    def describe(self) -> str:
        """`container user 1000 writes ./data as host UID 100999 (subuid range 100000+65536)`."""
        text = (
            f"container user {self.container_uid} writes {self.shown} as host UID {self.host_uid}"
        )
        if self.subuid_range is not None:
            text += f" (subuid range {self.subuid_range.outside}+{self.subuid_range.size})"
        return text

    def line(self) -> str:
        return f"{self.service}: {self.describe()}"

    def fix(self) -> str:
        """The command that makes the directory the container user's (run as the user)."""
        return f"podman unshare chown {self.owner} {shlex.quote(self.shown)}"


def container_ids(service: Service) -> tuple[int | None, int | None]:
    """The numeric UID and GID of `user:` (`1000`, `1000:1000`); None for names or no group."""
    uid, _, gid = (service.user or "").partition(":")
    return (int(uid) if uid.isdigit() else None, int(gid) if gid.isdigit() else None)


def shown_path(source: str, working_dir: str) -> str:
    """`./data` for a path inside the project directory, else the absolute path."""
    relative = os.path.relpath(source, working_dir)
    if relative == ".":
        return "."
    if relative.startswith(".."):
        return source
    return f"./{relative}"


def unshare_owner(service: Service, uid: int, facts: HostFacts) -> str | None:
    """`UID[:GID]` inside Podman's own namespace for the service's container user."""
    mode = service.userns_mode or ""
    inner_uid = idmap.inner_id(uid, mode, facts.uid_map)
    if inner_uid is None:
        return None
    gid = container_ids(service)[1]
    inner_gid = None if gid is None else idmap.inner_id(gid, mode, facts.gid_map, "gid")
    return str(inner_uid) if inner_gid is None else f"{inner_uid}:{inner_gid}"


def ownership_notes(
    project: Project, facts: HostFacts, scales: Mapping[str, int] | None = None
) -> list[OwnershipNote]:
    """Writable bind mounts of services whose numeric `user:` is not the user on the host."""
    candidates = [
        (service, uid, index, mount.source)
        for service in running_services(project, scales)
        if (uid := container_ids(service)[0]) is not None
        for index, mount in enumerate(service.volumes)
        if mount.type == "bind" and mount.source and not mount.read_only
    ]
    if not candidates or not facts.rootless:
        return []
    podman_map = facts.uid_map
    notes = []
    for service, uid, index, source in candidates:
        host = idmap.host_id(uid, service.userns_mode or "", podman_map)
        owner = unshare_owner(service, uid, facts)
        if host is None or owner is None or host == idmap.lookup(podman_map, 0) or not source:
            continue
        notes.append(
            OwnershipNote(
                service=service.name,
                mount_index=index,
                container_uid=uid,
                owner=owner,
                source=source,
                shown=shown_path(source, project.working_dir),
                host_uid=host,
                subuid_range=idmap.range_of(podman_map, host),
            )
        )
    return notes
