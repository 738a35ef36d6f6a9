"""Volumes and mounts: named volumes as claims, binds, tmpfs, and the Pod's volume list.

Named volumes become PersistentVolumeClaims in both flavours (Podman makes each claim a named
volume of the same name). Bind mounts stay host paths in the podman flavour, as `up` binds them;
in the cluster flavour a host path means nothing, so each becomes a claim to copy the data into.
"""

from __future__ import annotations

import os
from typing import Any

from composer.generate.kube_context import KubeContext, quantity_bytes
from composer.generate.kube_names import dns_label
from composer.loader.canonical.units import UnitError, parse_bytes
from composer.model import Mount, Service
from composer.specs import MountSpec

DEFAULT_CLAIM_SIZE = "1Gi"
# compose bind propagation -> Kubernetes mountPropagation
PROPAGATION = {
    "private": "None",
    "rprivate": "None",
    "slave": "HostToContainer",
    "rslave": "HostToContainer",
    "shared": "Bidirectional",
    "rshared": "Bidirectional",
}

Volume = dict[str, Any]


class PodVolumes:
    """The `volumes` of one Pod: one entry per source, each with a unique DNS-1123 name."""

    def __init__(self) -> None:
        self.entries: dict[str, Volume] = {}
        self._by_source: dict[str, str] = {}

    def add(self, identity: str, preferred: str, source: Volume) -> str:
        """The entry's name; the same identity (a claim, a host path) reuses its entry."""
        known = self._by_source.get(identity)
        if known is not None:
            return known
        name = dns_label(preferred)
        number = 1
        while name in self.entries:
            number += 1
            name = dns_label(preferred, str(number))
        self.entries[name] = {"name": name, **source}
        self._by_source[identity] = name
        return name

    def listing(self) -> list[Volume]:
        return list(self.entries.values())


def claim(ctx: KubeContext, name: str, shared: bool, labels: dict[str, str]) -> dict[str, Any]:
    """A PersistentVolumeClaim; one mounted by several Pods must be ReadWriteMany."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": ctx.metadata(name, labels),
        "spec": {
            "accessModes": ["ReadWriteMany" if shared else "ReadWriteOnce"],
            "resources": {"requests": {"storage": DEFAULT_CLAIM_SIZE}},
        },
    }


def volume_mounts(
    ctx: KubeContext, service: Service, specs: tuple[MountSpec, ...], volumes: PodVolumes
) -> list[dict[str, Any]]:
    """The container's mounts for the service's `volumes`, `tmpfs` and (cluster) `shm_size`."""
    mounts = []
    for index, (mount, spec) in enumerate(zip(service.volumes, specs, strict=False)):
        found = _mount(ctx, service, index, mount, spec, volumes)
        if found is not None:
            mounts.append(found)
    for entry in service.tmpfs:
        mounts.append(_tmpfs_entry(ctx, service, entry, volumes))
    if service.shm_size is not None and ctx.flavor == "cluster":
        source = {"emptyDir": {"medium": "Memory", "sizeLimit": quantity_bytes(service.shm_size)}}
        name = volumes.add(f"shm:{service.name}", f"{service.name}-shm", source)
        mounts.append({"name": name, "mountPath": "/dev/shm"})
    return mounts


def _mount(
    ctx: KubeContext,
    service: Service,
    index: int,
    mount: Mount,
    spec: MountSpec,
    volumes: PodVolumes,
) -> dict[str, Any] | None:
    entry: dict[str, Any]
    if mount.type == "volume" and mount.source:
        entry = _named(ctx, service, mount, volumes)
    elif mount.type == "volume":
        anonymous: Volume = {"emptyDir": {}}
        entry = {"name": volumes.add(f"anon:{service.name}:{mount.target}", "anon", anonymous)}
    elif mount.type == "bind":
        entry = _bind(ctx, service, index, mount, volumes)
    elif mount.type == "tmpfs":
        empty: dict[str, Any] = {"medium": "Memory"}
        if spec.tmpfs_size:
            empty["sizeLimit"] = quantity_bytes(spec.tmpfs_size)
        entry = {
            "name": volumes.add(
                f"tmpfs:{service.name}:{mount.target}", "tmpfs", {"emptyDir": empty}
            )
        }
    else:
        ctx.unmapped(
            service.name,
            f"volumes[{index}] ({mount.type})",
            "has no Kubernetes equivalent; left out",
        )
        return None
    entry = {
        "name": entry["name"],
        "mountPath": mount.target,
        **{k: v for k, v in entry.items() if k != "name"},
    }
    if mount.read_only:
        entry["readOnly"] = True
    return entry


def _named(ctx: KubeContext, service: Service, mount: Mount, volumes: PodVolumes) -> dict[str, Any]:
    key = mount.source or ""
    volume = ctx.project.volumes.get(key)
    real = volume.name if volume else key
    claim_name = ctx.names.volume(real)
    if volume is not None and volume.external and ctx.flavor == "podman":
        claim_name = real  # Podman looks the volume up by this exact name; it exists already
    elif volume is not None and volume.external:
        if claim_name != real:
            ctx.unmapped(
                service.name,
                f"volumes {key}",
                f'is the external volume "{real}", not a valid claim name: it is claimed as '
                f'"{claim_name}", which must exist',
            )
    elif volume is not None:
        labels = {**ctx.names.labels(), **_podman_labels(ctx, volume_key=key)}
        ctx.add(claim(ctx, claim_name, _shared_volume(ctx, key), labels))
        if volume.driver_opts or (volume.driver and volume.driver != "local"):
            ctx.unmapped(
                service.name,
                f"volumes {key} (driver, driver_opts)",
                "have no claim equivalent; left out",
            )
    entry: dict[str, Any] = {
        "name": volumes.add(
            f"claim:{claim_name}", key, {"persistentVolumeClaim": {"claimName": claim_name}}
        )
    }
    if mount.volume and mount.volume.subpath:
        entry["subPath"] = mount.volume.subpath
    return entry


def _podman_labels(ctx: KubeContext, volume_key: str) -> dict[str, str]:
    """Podman copies a claim's labels onto the volume: the project's, so `down -v` finds it."""
    if ctx.flavor != "podman":
        return {}
    from composer.plan import labels

    return {**labels.project_labels(ctx.project.name), labels.VOLUME: volume_key}


def _shared_volume(ctx: KubeContext, key: str) -> bool:
    """Whether more than one Pod mounts the volume (cluster flavour: every replica is a Pod)."""
    if ctx.flavor != "cluster":
        return False
    pods = 0
    for service in ctx.project.services.values():
        if any(m.type == "volume" and m.source == key for m in service.volumes):
            pods += max(service.scale, 1)
    return pods > 1


def _bind(
    ctx: KubeContext, service: Service, index: int, mount: Mount, volumes: PodVolumes
) -> dict[str, Any]:
    source = mount.source or ""
    options = mount.bind
    if options and options.selinux:
        ctx.unmapped(
            service.name,
            f"volumes[{index}] :{options.selinux}",
            "(SELinux relabelling) has no Kubernetes equivalent; left out",
        )
    entry: dict[str, Any] = {}
    if options and options.propagation in PROPAGATION:
        entry["mountPropagation"] = PROPAGATION[options.propagation]
    if ctx.flavor == "podman":
        host: dict[str, Any] = {"path": source}
        if options and options.create_host_path:
            host["type"] = "DirectoryOrCreate"
        entry["name"] = volumes.add(
            f"host:{source}", f"host-{os.path.basename(source)}", {"hostPath": host}
        )
        return entry
    relative = _relative(ctx, source)
    claim_name = ctx.names.bind_claim(relative)
    shown = f"./{relative}" if not os.path.isabs(relative) else relative
    if os.path.isfile(source):
        entry["subPath"] = os.path.basename(source)
        advice = f"copy {shown} into it as {entry['subPath']}"
    else:
        advice = f"copy the contents of {shown} into it"
    ctx.unmapped(
        service.name,
        f"volumes[{index}] (bind {shown})",
        f'is a host path; it becomes PersistentVolumeClaim "{claim_name}": {advice}',
    )
    ctx.add(claim(ctx, claim_name, _shared_bind(ctx, source), ctx.names.labels()))
    entry["name"] = volumes.add(
        f"claim:{claim_name}", claim_name, {"persistentVolumeClaim": {"claimName": claim_name}}
    )
    return entry


def _relative(ctx: KubeContext, source: str) -> str:
    base = ctx.project.working_dir
    if source == base or source.startswith(base.rstrip("/") + "/"):
        return os.path.relpath(source, base)
    return source


def _shared_bind(ctx: KubeContext, source: str) -> bool:
    pods = 0
    for service in ctx.project.services.values():
        if any(m.type == "bind" and m.source == source for m in service.volumes):
            pods += max(service.scale, 1)
    return pods > 1


def _tmpfs_entry(
    ctx: KubeContext, service: Service, entry: str, volumes: PodVolumes
) -> dict[str, Any]:
    """A `tmpfs:` entry (`/run` or `/run:size=64m,mode=1777`) as a memory-backed emptyDir."""
    target, _, options = entry.partition(":")
    empty: dict[str, Any] = {"medium": "Memory"}
    for option in options.split(","):
        name, _, value = option.partition("=")
        if name == "size":
            try:
                empty["sizeLimit"] = quantity_bytes(parse_bytes(value))
            except UnitError:
                ctx.unmapped(
                    service.name, f"tmpfs {entry}", "has a size Kubernetes cannot read; left out"
                )
    name = volumes.add(f"tmpfs:{service.name}:{target}", "tmpfs", {"emptyDir": empty})
    return {"name": name, "mountPath": target}
