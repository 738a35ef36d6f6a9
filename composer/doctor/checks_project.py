"""A compose project against this host: ports, ulimits, image names and SELinux labels.

The user namespace and bind-mount ownership checks live in checks_rootless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from composer.doctor import images
from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.checks_limits import (
    DEFAULTED,
    PODMAN_DEFAULT_LIMIT,
    exceeds,
    hard_limit,
    limit_text,
    rlimit_error,
)
from composer.doctor.checks_network import PERSIST_SYSCTL, unprivileged_port_start
from composer.doctor.checks_rootless import check_project_owners, check_project_userns
from composer.doctor.checks_system import selinux_mode
from composer.doctor.context import Context
from composer.loader.sources import Location, SourceMap
from composer.loader.sources import Path as KeyPath
from composer.model.project import Project
from composer.model.service import Service

if TYPE_CHECKING:
    from composer.loader.pipeline import LoadedProject


@dataclass(frozen=True)
class ProjectView:
    """The typed project, and where each of its keys was written (for file:line messages)."""

    project: Project
    sources: SourceMap
    pod_mode: str | None = None  # --pod-mode, if given

    @classmethod
    def of(cls, loaded: LoadedProject, pod_mode: str | None = None) -> ProjectView:
        return cls(loaded.model(), loaded.sources, pod_mode)

    def services(self) -> list[Service]:
        return [self.project.services[name] for name in self.project.service_names]

    def at(self, path: KeyPath, message: str) -> str:
        """`compose.yaml:12: services.web.ports[0]: message`."""
        return str(self.sources.problem(path, message))


def check_project(ctx: Context, view: ProjectView) -> list[Check]:
    project = view.project
    count = len(project.services)
    files = ", ".join(project.files) if project.files else project.working_dir
    return [ok("project", f"{project.name}: {count} service{'s' if count != 1 else ''} ({files})")]


def _low_ports(view: ProjectView, service: Service, start: int) -> list[tuple[int, list[int]]]:
    """(first entry's index, ports below start) per place in the file: a range is one entry."""
    groups: dict[Location | KeyPath, tuple[int, list[int]]] = {}
    for index, port in enumerate(service.ports):
        span = port.published_range
        if span is not None and span[0] < start:
            path: KeyPath = ("services", service.name, "ports", index)
            place = view.sources.locate(path) or path
            _, ports = groups.setdefault(place, (index, []))
            ports.extend(range(span[0], min(span[1] + 1, start)))
    return list(groups.values())


def _listed(ports: list[int]) -> str:
    """`1000-1023` for a run of ports, `80, 443` otherwise."""
    unique = sorted(set(ports))
    if unique[-1] - unique[0] + 1 == len(unique):
        return f"{unique[0]}-{unique[-1]}"
    return ", ".join(str(port) for port in unique)


def check_project_ports(ctx: Context, view: ProjectView) -> list[Check]:
    if not ctx.rootless:
        return []
    start = unprivileged_port_start(ctx)
    if start is None:
        return []
    found: list[Check] = []
    for service in view.services():
        for index, ports in _low_ports(view, service, start):
            low = min(ports)
            shown = f"port {low} is" if len(set(ports)) == 1 else f"ports {_listed(ports)} are"
            message = (
                f"published {shown} below net.ipv4.ip_unprivileged_port_start ({start}): "
                f'rootless Podman fails ("rootlessport cannot expose privileged port {low}")'
            )
            sysctl = ctx.as_root(f"sysctl -w net.ipv4.ip_unprivileged_port_start={low}")
            fix = f"publish on {start} or above, or {sysctl} {PERSIST_SYSCTL}"
            path = ("services", service.name, "ports", index)
            found.append(problem("project-ports", view.at(path, message), fix))
    return found or [ok("project-ports", f"every published port is {start} or above")]


def _raise_hint(name: str) -> str:
    return f"raise the hard limit (/etc/security/limits.d/, or Limit{name.upper()}= in a unit)"


def _too_high(ctx: Context, view: ProjectView, service: Service) -> list[Check]:
    found = []
    for name, value in sorted(service.ulimits.items()):
        limit = hard_limit(ctx, name)
        if not (exceeds(value.soft, limit) or exceeds(value.hard, limit)):
            continue
        message = (
            f"{name}={value.soft}:{value.hard} is above this host's hard limit "
            f"{limit_text(ctx, name, limit)}: "
            f'the container fails with "{rlimit_error(ctx, name)}"'
        )
        fix = f"lower it to at most {limit}, or {_raise_hint(name)}"
        path = ("services", service.name, "ulimits", name)
        found.append(problem("project-ulimits", view.at(path, message), fix))
    return found


def _defaults_dropped(ctx: Context, view: ProjectView, service: Service) -> list[Check]:
    """Rootful Podman drops containers.conf's default_ulimits once a container sets any."""
    if not (ctx.who.is_root and service.ulimits):
        return []
    found = []
    for name in DEFAULTED:
        limit = hard_limit(ctx, name)
        if name in service.ulimits or not exceeds(PODMAN_DEFAULT_LIMIT, limit):
            continue
        message = (
            f"sets {', '.join(sorted(service.ulimits))} but not {name}: Podman then uses its own "
            f"{name}={PODMAN_DEFAULT_LIMIT}, not containers.conf's, above the hard limit "
            f"{limit_text(ctx, name, limit)}"
        )
        fix = f"add `{name}: {limit}` to the service's ulimits"
        path = ("services", service.name, "ulimits")
        found.append(problem("project-ulimits", view.at(path, message), fix))
    return found


def check_project_ulimits(ctx: Context, view: ProjectView) -> list[Check]:
    if ctx.can_raise_limits:
        return []
    found = [
        check
        for service in view.services()
        for check in (*_too_high(ctx, view, service), *_defaults_dropped(ctx, view, service))
    ]
    return found or [ok("project-ulimits", "every service's ulimits fit the hard limits")]


def check_project_images(ctx: Context, view: ProjectView) -> list[Check]:
    regs = ctx.registries
    exists = _memo(lambda image: images.local_image_exists(ctx, image))
    found: list[Check] = []
    checked = 0
    for service in view.services():
        image = service.image
        if not image or service.build is not None:
            continue  # built here, never pulled
        checked += 1
        path = ("services", service.name, "image")
        if images.is_short_name(image):
            if exists(image) or images.alias_for(regs, image) or regs.search:
                continue
            main = regs.files[0] if regs.files else "/etc/containers/registries.conf"
            message = (
                f'short name "{image}" is not a local image and cannot be pulled: it did not '
                f'resolve to an alias and no unqualified-search registries are defined in "{main}"'
            )
            fix = (
                f"use a fully qualified name ({images.qualified(image)}), or make the image locally"
            )
            found.append(problem("project-images", view.at(path, message), fix))
        elif (registry := images.insecure_registry(regs, image)) is not None:
            message = (
                f"{image} is pulled from {registry} without TLS verification (insecure = true)"
            )
            found.append(warning("project-images", view.at(path, message)))
    return found or [ok("project-images", f"every image can be found ({checked} checked)")]


def check_project_mounts(ctx: Context, view: ProjectView) -> list[Check]:
    if selinux_mode(ctx) != "enforcing":
        return [ok("project-mounts", "SELinux is not enforcing: bind mounts need no relabelling")]
    found: list[Check] = []
    for service in view.services():
        for index, mount in enumerate(service.volumes):
            if mount.type != "bind" or (mount.bind is not None and mount.bind.selinux):
                continue
            path = ("services", service.name, "volumes", index)
            message = (
                f"bind mount {mount.source} has no :z or :Z: SELinux is enforcing, so the "
                'container gets "Permission denied"'
            )
            fix = (
                "add :Z (private to this container) or :z (shared by containers) to the mount; "
                "never relabel $HOME, /usr or other system directories"
            )
            found.append(problem("project-mounts", view.at(path, message), fix))
    return found or [ok("project-mounts", "every bind mount carries :z or :Z")]


def _memo(function: Callable[[str], bool]) -> Callable[[str], bool]:
    seen: dict[str, bool] = {}

    def remembered(key: str) -> bool:
        if key not in seen:
            seen[key] = function(key)
        return seen[key]

    return remembered


PROJECT_CHECKS: tuple[Callable[[Context, ProjectView], list[Check]], ...] = (
    check_project,
    check_project_ports,
    check_project_ulimits,
    check_project_images,
    check_project_mounts,
    check_project_userns,
    check_project_owners,
)
