"""A project against rootless Podman: user namespaces, and who owns files in bind mounts.

These use the same computations as `up` (composer.plan.preflight), with facts from doctor's
own readings instead of the API.
"""

from __future__ import annotations

import stat
from functools import cached_property
from typing import TYPE_CHECKING

from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.checks_network import unprivileged_port_start
from composer.doctor.context import Context
from composer.doctor.subids import parse_subid_file, ranges_of
from composer.plan import idmap
from composer.plan.hostfacts import running_services
from composer.plan.ownership import OwnershipNote, ownership_notes
from composer.plan.podmode import resolve_pod_mode
from composer.plan.userns_rules import userns_problems

if TYPE_CHECKING:
    from composer.doctor.checks_project import ProjectView


class DoctorFacts:
    """HostFacts from doctor's readings: `podman info`, else /etc/subuid."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def rootless(self) -> bool:
        return self.ctx.rootless

    @property
    def unprivileged_port_start(self) -> int | None:
        return unprivileged_port_start(self.ctx)

    def _map(self, kind: str) -> idmap.IdMap:
        if not self.rootless:
            return ()
        key = "uidmap" if kind == "subuid" else "gidmap"
        found = idmap.map_from_info(self.ctx.info.get("host", "idMappings", key))
        if found:
            return found
        # Podman could not say (no `podman info`): the ranges it would read.
        who = self.ctx.who
        entries = parse_subid_file(self.ctx.host.read_text(f"/etc/{kind}") or "")
        own = ranges_of(entries, who.name, who.uid)
        first = who.uid if kind == "subuid" else who.gid
        return idmap.rootless_map(first, [(entry.start, entry.count) for entry in own])

    @property
    def podman_version(self) -> tuple[int, int] | None:
        version = self.ctx.version
        return None if version is None else (version[0], version[1])

    @cached_property
    def uid_map(self) -> idmap.IdMap:
        return self._map("subuid")

    @cached_property
    def gid_map(self) -> idmap.IdMap:
        return self._map("subgid")


def check_project_userns(ctx: Context, view: ProjectView) -> list[Check]:
    project = view.project
    services = running_services(project)
    users = [service for service in services if service.userns_mode]
    if not users:
        return []
    pod_mode = resolve_pod_mode(project, flag=view.pod_mode, environ=ctx.host.environ)
    found = [
        problem("project-userns", view.at(("services", item.service, item.key), item.message))
        for item in userns_problems(services, pod_mode, DoctorFacts(ctx))
    ]
    listed = ", ".join(f"{service.name}: {service.userns_mode}" for service in users)
    return found or [ok("project-userns", f"Podman accepts every userns_mode ({listed})")]


def _owner_check(ctx: Context, view: ProjectView, note: OwnershipNote) -> Check | None:
    path = ("services", note.service, "volumes", note.mount_index)
    found = ctx.host.stat(note.source)
    if found is not None and not stat.S_ISDIR(found.mode):
        return None  # a file given to the container, not a directory it writes in
    message = view.at(path, note.describe())
    if found is not None and found.uid == note.host_uid:
        return ok("project-owners", f"{message}; {note.shown} belongs to it already")
    fix = (
        f"`{note.fix()}` so that the container user may write there "
        f"(`podman unshare rm -rf {note.shown}` removes what it wrote)"
    )
    return warning("project-owners", message, fix)


def check_project_owners(ctx: Context, view: ProjectView) -> list[Check]:
    if not ctx.rootless:
        return []
    notes = ownership_notes(view.project, DoctorFacts(ctx))
    return [check for note in notes if (check := _owner_check(ctx, view, note)) is not None]
