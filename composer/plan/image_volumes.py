"""Image VOLUME paths that lie inside a bind mount get the matching host subdirectory.

An image such as postgres declares `VOLUME /var/lib/postgresql/data`. A service that binds a
host directory one level up (`./pgdata:/var/lib/postgresql`) expects its data there, but Podman
(like Docker) mounts a fresh anonymous volume over the image's VOLUME path, so the data lands
in that volume and is lost on `down`/`up`. composer mounts `<bind source>/data` there instead.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace

from composer.specs import ContainerSpec, MountSpec


def _covering_mount(path: str, mounts: Iterable[MountSpec]) -> MountSpec | None:
    """The mount with the longest target that is `path` or one of its parents."""
    best: MountSpec | None = None
    for mount in mounts:
        target = mount.target.rstrip("/") or "/"
        inside = path == target or path.startswith(target if target == "/" else target + "/")
        if inside and (best is None or len(target) > len(best.target.rstrip("/"))):
            best = mount
    return best


def nested_bind(path: str, mounts: Iterable[MountSpec]) -> MountSpec | None:
    """The bind mount to give the image volume `path`, or None when Podman's default is right."""
    path = posixpath.normpath(path)
    covering = _covering_mount(path, mounts)
    if covering is None or covering.type != "bind" or not covering.source:
        return None
    target = covering.target.rstrip("/") or "/"
    if path == target:
        return None  # the service mounts something at that path itself
    relative = posixpath.relpath(path, target)
    return MountSpec(
        "bind",
        path,
        source=posixpath.join(covering.source, relative),
        read_only=covering.read_only,
        selinux=covering.selinux,
        propagation=covering.propagation,
        create_host_path=True,
    )


def bind_nested_image_volumes(spec: ContainerSpec, image_volumes: Iterable[str]) -> ContainerSpec:
    """`spec` with a bind mount for every image volume inside one of its bind mounts."""
    added = [
        mount
        for mount in (nested_bind(path, spec.mounts) for path in sorted(set(image_volumes)))
        if mount is not None
    ]
    return replace(spec, mounts=(*spec.mounts, *added)) if added else spec
