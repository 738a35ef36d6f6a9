"""Bind the structured parts of a service: ports, mounts, networks, dependencies, healthcheck."""

from __future__ import annotations

from typing import Any

from composer.loader.sources import Path
from composer.model.bind.values import (
    Reader,
    command,
    flag,
    opt_text,
    text,
    text_map,
    text_map_or_null,
    texts,
)
from composer.model.parts import (
    BindOptions,
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
    TmpfsOptions,
    Ulimit,
    VolumeOptions,
)

SECRETS_DIR = "/run/secrets"


def ports(value: Any, path: Path, reader: Reader) -> tuple[PortMapping, ...]:
    result = []
    for item_path, entry in reader.entries(value, path):
        target = reader.integer(entry.get("target"), (*item_path, "target"))
        if target is None:
            reader.fail(item_path, "port has no target")
            continue
        result.append(
            PortMapping(
                target=target,
                published=opt_text(entry.get("published")),
                host_ip=opt_text(entry.get("host_ip")),
                protocol=text(entry.get("protocol") or "tcp"),
                mode=text(entry.get("mode") or "ingress"),
                name=opt_text(entry.get("name")),
                app_protocol=opt_text(entry.get("app_protocol")),
            )
        )
    return tuple(result)


def mounts(value: Any, path: Path, reader: Reader) -> tuple[Mount, ...]:
    return tuple(
        _mount(entry, item_path, reader) for item_path, entry in reader.entries(value, path)
    )


def _mount(entry: dict[str, Any], path: Path, reader: Reader) -> Mount:
    bind = reader.mapping(entry.get("bind"), (*path, "bind"))
    volume = reader.mapping(entry.get("volume"), (*path, "volume"))
    tmpfs = reader.mapping(entry.get("tmpfs"), (*path, "tmpfs"))
    image = reader.mapping(entry.get("image"), (*path, "image")) or {}
    return Mount(
        type=text(entry.get("type") or "volume"),
        target=text(entry.get("target") or ""),
        source=opt_text(entry.get("source")),
        read_only=flag(entry.get("read_only")),
        consistency=opt_text(entry.get("consistency")),
        bind=None if bind is None else _bind_options(bind),
        volume=None if volume is None else _volume_options(volume),
        tmpfs=None if tmpfs is None else _tmpfs_options(tmpfs, (*path, "tmpfs"), reader),
        image_subpath=opt_text(image.get("subpath")),
    )


def _bind_options(bind: dict[str, Any]) -> BindOptions:
    return BindOptions(
        propagation=opt_text(bind.get("propagation")),
        create_host_path=flag(bind.get("create_host_path")),
        selinux=opt_text(bind.get("selinux")),
        recursive=opt_text(bind.get("recursive")),
    )


def _volume_options(volume: dict[str, Any]) -> VolumeOptions:
    return VolumeOptions(nocopy=flag(volume.get("nocopy")), subpath=opt_text(volume.get("subpath")))


def _tmpfs_options(tmpfs: dict[str, Any], path: Path, reader: Reader) -> TmpfsOptions:
    return TmpfsOptions(
        size=reader.size(tmpfs.get("size"), (*path, "size")),
        mode=reader.file_mode(tmpfs.get("mode"), (*path, "mode")),
    )


def networks(value: Any, path: Path, reader: Reader) -> dict[str, ServiceNetwork]:
    """`networks`: a mapping of name to settings (null: defaults); a list of names also works."""
    if isinstance(value, list):
        return {text(name): ServiceNetwork() for name in value}
    result = {}
    for name, settings in (reader.mapping(value, path) or {}).items():
        item_path = (*path, name)
        entry = reader.mapping(settings, item_path) or {}
        result[name] = ServiceNetwork(
            aliases=texts(entry.get("aliases")),
            ipv4_address=opt_text(entry.get("ipv4_address")),
            ipv6_address=opt_text(entry.get("ipv6_address")),
            link_local_ips=texts(entry.get("link_local_ips")),
            mac_address=opt_text(entry.get("mac_address")),
            priority=reader.integer(entry.get("priority"), (*item_path, "priority")) or 0,
            gw_priority=reader.integer(entry.get("gw_priority"), (*item_path, "gw_priority")) or 0,
            interface_name=opt_text(entry.get("interface_name")),
            driver_opts=text_map(entry.get("driver_opts")),
        )
    return result


def depends_on(value: Any, path: Path, reader: Reader) -> dict[str, DependsOn]:
    """`depends_on`: a mapping of service to condition; a list of names also works."""
    if isinstance(value, list):
        return {text(name): DependsOn() for name in value}
    result = {}
    for name, settings in (reader.mapping(value, path) or {}).items():
        entry = reader.mapping(settings, (*path, name)) or {}
        result[name] = DependsOn(
            condition=text(entry.get("condition") or "service_started"),
            required=flag(entry.get("required", True)),
            restart=flag(entry.get("restart", False)),
        )
    return result


def healthcheck(value: Any, path: Path, reader: Reader) -> Healthcheck | None:
    entry = reader.mapping(value, path)
    if entry is None:
        return None
    test = entry.get("test")
    return Healthcheck(
        test=("CMD-SHELL", test) if isinstance(test, str) else texts(test),
        interval=reader.duration(entry.get("interval"), (*path, "interval")),
        timeout=reader.duration(entry.get("timeout"), (*path, "timeout")),
        retries=reader.integer(entry.get("retries"), (*path, "retries")),
        start_period=reader.duration(entry.get("start_period"), (*path, "start_period")),
        start_interval=reader.duration(entry.get("start_interval"), (*path, "start_interval")),
        disable=flag(entry.get("disable")),
    )


def ulimits(value: Any, path: Path, reader: Reader) -> dict[str, Ulimit]:
    """`ulimits`: a single number sets both limits, a mapping gives soft and hard."""
    result = {}
    for name, limit in (reader.mapping(value, path) or {}).items():
        item_path = (*path, name)
        if isinstance(limit, dict):
            soft = reader.integer(limit.get("soft"), (*item_path, "soft"))
            hard = reader.integer(limit.get("hard"), (*item_path, "hard"))
        else:
            soft = hard = reader.integer(limit, item_path)
        if soft is not None and hard is not None:
            result[name] = Ulimit(soft=soft, hard=hard)
    return result


def devices(value: Any, path: Path, reader: Reader) -> tuple[Device, ...]:
    """`devices`: canonical mappings; a `src[:dst[:perms]]` string also works."""
    result = []
    for index, item in enumerate(value or ()):
        if isinstance(item, str):
            source, _, rest = item.partition(":")
            target, _, permissions = rest.partition(":")
            result.append(Device(source, target or source, permissions or "rwm"))
            continue
        entry = reader.mapping(item, (*path, index)) or {}
        source = text(entry.get("source") or "")
        target = text(entry.get("target") or source)
        result.append(Device(source, target, text(entry.get("permissions") or "rwm")))
    return tuple(result)


def extra_hosts(value: Any) -> tuple[ExtraHost, ...]:
    """`extra_hosts`: `name=address` (canonical), `name:address`, or a mapping."""
    if isinstance(value, dict):
        return tuple(
            ExtraHost(str(name), address)
            for name, addresses in value.items()
            for address in texts(addresses)
        )
    result = []
    for entry in texts(value):
        separator = "=" if "=" in entry else ":"
        name, _, address = entry.partition(separator)
        result.append(ExtraHost(name, address))
    return tuple(result)


def logging(value: Any, path: Path, reader: Reader) -> Logging | None:
    entry = reader.mapping(value, path)
    if entry is None:
        return None
    return Logging(
        driver=opt_text(entry.get("driver")), options=text_map_or_null(entry.get("options"))
    )


def secrets(value: Any, path: Path, reader: Reader) -> tuple[ServiceSecret, ...]:
    """Service (or build) secrets; a bare target lands under /run/secrets as Podman expects."""
    result = []
    for source, target, uid, gid, mode in _file_references(value, path, reader):
        if not target:
            target = f"{SECRETS_DIR}/{source}"
        result.append(ServiceSecret(source, target, uid, gid, mode))
    return tuple(result)


def configs(value: Any, path: Path, reader: Reader) -> tuple[ServiceConfig, ...]:
    """Service configs; with no target the config is mounted at `/<source>`."""
    return tuple(
        ServiceConfig(source, target or f"/{source}", uid, gid, mode)
        for source, target, uid, gid, mode in _file_references(value, path, reader)
    )


_FileReference = tuple[str, str | None, str | None, str | None, int | None]


def _file_references(value: Any, path: Path, reader: Reader) -> list[_FileReference]:
    result: list[_FileReference] = []
    for index, item in enumerate(value or ()):
        if isinstance(item, str):
            result.append((item, None, None, None, None))
            continue
        item_path = (*path, index)
        entry = reader.mapping(item, item_path) or {}
        result.append(
            (
                text(entry.get("source") or ""),
                opt_text(entry.get("target")),
                opt_text(entry.get("uid")),
                opt_text(entry.get("gid")),
                reader.file_mode(entry.get("mode"), (*item_path, "mode")),
            )
        )
    return result


def device_requests(value: Any, path: Path, reader: Reader) -> tuple[DeviceRequest, ...]:
    """`gpus` / `reservations.devices`; `all` (or count -1) means every device."""
    if value == "all":
        return (DeviceRequest(count=-1),)
    result = []
    for item_path, entry in reader.entries(value, path):
        count = entry.get("count")
        result.append(
            DeviceRequest(
                capabilities=texts(entry.get("capabilities")),
                driver=opt_text(entry.get("driver")),
                count=-1 if count == "all" else reader.integer(count, (*item_path, "count")),
                device_ids=texts(entry.get("device_ids")),
                options=text_map(entry.get("options")),
            )
        )
    return tuple(result)


def hooks(value: Any, path: Path, reader: Reader) -> tuple[ServiceHook, ...]:
    """`post_start` / `pre_stop` hooks."""
    return tuple(
        ServiceHook(
            command=command(entry.get("command")) or (),
            user=opt_text(entry.get("user")),
            privileged=flag(entry.get("privileged")),
            working_dir=opt_text(entry.get("working_dir")),
            environment=text_map_or_null(entry.get("environment")),
        )
        for _, entry in reader.entries(value, path)
    )
