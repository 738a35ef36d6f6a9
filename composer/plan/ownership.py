"""Who owns what a container user writes into a bind-mounted host directory.

The same computation for `up`'s notes and `composer doctor`'s project-owners check; the UID
arithmetic is composer.plan.idmap.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from composer.model import Project, Service
from composer.plan import idmap
from composer.plan.hostfacts import HostFacts, running_services


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
