"""Translate runtime-neutral specs into the JSON bodies of the Podman 4.x libpod REST API."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from typing import Any

from composer.errors import RuntimeOperationError
from composer.runtime import idmappings
from composer.specs import (
    BlkioSpec,
    ContainerSpec,
    DeviceRuleSpec,
    HealthcheckSpec,
    MountSpec,
    NetworkAttachment,
    PortSpec,
    ResourcesSpec,
    UlimitSpec,
)

Json = dict[str, Any]
NANOSECONDS = 1_000_000_000
CPU_PERIOD = 100_000


def drop_empty(body: Json) -> Json:
    """Leave out unset values so Podman applies its own defaults."""
    # `is False`, not `== False`: 0 (swappiness, a port) is a value, and 0 == False.
    return {
        key: value
        for key, value in body.items()
        if value is not None and value is not False and value not in ("", [], {})
    }


def namespace(value: str) -> Json:
    """A Podman Namespace object from a compose mode string (host, container:x, ns:/p, ...)."""
    mode, _, rest = value.partition(":")
    if mode == "ns":
        return {"nsmode": "path", "value": rest}
    if mode in ("container", "service") and rest:
        return {"nsmode": "container", "value": rest}
    return {"nsmode": mode, "value": rest} if rest else {"nsmode": mode}


def signal_number(name: str) -> int:
    """The number of a signal given as SIGTERM, TERM or 15."""
    text = name.strip().upper()
    if text.isdigit():
        return int(text)
    member = signal.Signals.__members__.get(text if text.startswith("SIG") else f"SIG{text}")
    if member is None:
        raise RuntimeOperationError(f"unknown stop signal {name!r}")
    return int(member)


def port_mapping(port: PortSpec) -> Json:
    body: Json = {
        "container_port": port.container_port,
        "host_port": port.host_port,
        "host_ip": port.host_ip,
        "protocol": port.protocol,
    }
    if port.range > 1:
        body["range"] = port.range
    return drop_empty(body)


def networks_body(attachments: tuple[NetworkAttachment, ...]) -> Json:
    """The `Networks` map: per network its aliases and static addresses."""
    result: Json = {}
    for net in attachments:
        ips = [ip for ip in (net.ipv4_address, net.ipv6_address) if ip]
        options: Json = {
            "aliases": list(net.aliases),
            "static_ips": ips,
            "static_mac": net.mac_address,
            "interface_name": net.interface_name,
        }
        result[net.name] = drop_empty(options)
    return result


def _seconds_to_ns(value: float | None) -> int | None:
    return None if value is None else int(value * NANOSECONDS)


def healthconfig(check: HealthcheckSpec) -> Json:
    """Podman's Schema2HealthConfig: durations in nanoseconds, NONE disables."""
    if check.disabled:
        return {"Test": ["NONE"]}
    # Through the API nothing fills in defaults: a missing Timeout is 0s and every check fails.
    # These are the defaults of `podman run --health-cmd` and of docker compose.
    return {
        "Test": list(check.test),
        "Interval": _seconds_to_ns(30 if check.interval is None else check.interval),
        "Timeout": _seconds_to_ns(30 if check.timeout is None else check.timeout),
        "StartPeriod": _seconds_to_ns(check.start_period or 0),
        "Retries": 3 if check.retries is None else check.retries,
    }


def rlimits(ulimits: tuple[UlimitSpec, ...]) -> list[Json]:
    return [{"type": u.name, "soft": u.soft, "hard": u.hard} for u in ulimits]


def resource_limits(res: ResourcesSpec) -> Json:
    """An OCI LinuxResources object for memory, cpu and pids limits."""
    memory = drop_empty(
        {"limit": res.memory_limit, "reservation": res.memory_reservation, "swap": res.memory_swap}
    )
    if res.memory_swappiness is not None:
        memory["swappiness"] = res.memory_swappiness  # 0 is a value
    if res.oom_kill_disable:
        memory["disableOOMKiller"] = True
    cpu: Json = {"shares": res.cpu_shares, "cpus": res.cpuset}
    if res.cpus:
        cpu["quota"] = int(res.cpus * CPU_PERIOD)
        cpu["period"] = CPU_PERIOD
    # Explicit cpu_period / cpu_quota win over what `cpus` works out.
    cpu.update(drop_empty({"period": res.cpu_period, "quota": res.cpu_quota}))
    realtime = {"realtimePeriod": res.cpu_rt_period, "realtimeRuntime": res.cpu_rt_runtime}
    cpu.update(drop_empty(realtime))
    pids = {"limit": res.pids_limit} if res.pids_limit is not None else {}
    block = drop_empty({"weight": res.blkio.weight})
    return drop_empty({"memory": memory, "cpu": drop_empty(cpu), "pids": pids, "blockIO": block})


def block_devices(blkio: BlkioSpec) -> Json:
    """Per-device weights and throttles: Podman looks up each path's major and minor."""
    return drop_empty(
        {
            "weightDevice": {path: {"weight": weight} for path, weight in blkio.weight_device},
            "throttleReadBpsDevice": {path: {"rate": rate} for path, rate in blkio.read_bps},
            "throttleWriteBpsDevice": {path: {"rate": rate} for path, rate in blkio.write_bps},
            "throttleReadIOPSDevice": {path: {"rate": rate} for path, rate in blkio.read_iops},
            "throttleWriteIOPSDevice": {path: {"rate": rate} for path, rate in blkio.write_iops},
        }
    )


def _mount_options(mount: MountSpec) -> list[str]:
    options = ["ro"] if mount.read_only else []
    if mount.selinux:
        options.append(mount.selinux)
    if mount.propagation:
        options.append(mount.propagation)
    if mount.nocopy:
        options.append("nocopy")
    if mount.tmpfs_size is not None:
        options.append(f"size={mount.tmpfs_size}")
    if mount.tmpfs_mode is not None:
        options.append(f"mode={mount.tmpfs_mode:o}")
    return options + list(mount.options)


def tmpfs_mount(entry: str) -> Json:
    """A compose `tmpfs:` entry, "path" or "path:opt,opt", as an OCI tmpfs mount."""
    target, _, options = entry.partition(":")
    extra = [opt for opt in options.split(",") if opt]
    return {"destination": target, "type": "tmpfs", "source": "tmpfs", "options": extra}


def storage(spec: ContainerSpec) -> Json:
    """`mounts` (binds, tmpfs) and `volumes` (named and anonymous volumes)."""
    mounts: list[Json] = [tmpfs_mount(entry) for entry in spec.tmpfs]
    volumes: list[Json] = []
    for mount in spec.mounts:
        options = _mount_options(mount)
        if mount.type == "volume":
            # An empty Name asks Podman for an anonymous volume, removed with `rm -v`.
            volumes.append({"Name": mount.source, "Dest": mount.target, "Options": options})
        else:
            source = mount.source if mount.type == "bind" else "tmpfs"
            mounts.append(
                {"destination": mount.target, "type": mount.type, "source": source}
                | {"options": options}
            )
    secrets = [
        {"Source": ref.name, "Target": ref.target, "UID": ref.uid, "GID": ref.gid}
        | {"Mode": ref.mode}
        for ref in spec.secrets
    ]
    return {"mounts": mounts, "volumes": volumes, "secrets": secrets}


def security(options: tuple[str, ...], owner: str) -> Json:
    """Compose `security_opt` entries as SpecGenerator security fields."""
    body: Json = {"selinux_opts": [], "mask": [], "unmask": []}
    for option in options:
        key, sep, value = option.replace("=", ":", 1).partition(":")
        if key == "label":
            body["selinux_opts"].append(value)
        elif key == "no-new-privileges":
            body["no_new_privileges"] = value.lower() in ("", "true", "1")
        elif key == "seccomp":
            body["seccomp_profile_path"] = value
        elif key == "apparmor":
            body["apparmor_profile"] = value
        elif key in ("mask", "unmask"):
            body[key].extend(part for part in value.split(":") if part)
        else:
            raise RuntimeOperationError(
                f"container {owner}: security_opt {option!r} is not supported by Podman",
                hint="supported: label=..., no-new-privileges, seccomp=..., apparmor=..., "
                "mask=..., unmask=...",
            )
    return body


def _networking(spec: ContainerSpec) -> Json:
    body: Json = {
        "portmappings": [port_mapping(p) for p in spec.ports],
        "expose": {str(p.container_port): p.protocol for p in spec.expose},
        "dns_server": list(spec.dns),
        "dns_search": list(spec.dns_search),
        "dns_option": list(spec.dns_opt),
        "hostadd": [f"{h.name}:{h.ip}" for h in spec.extra_hosts],
        "Networks": networks_body(spec.networks),
    }
    if spec.network_mode:
        mode, _, options = spec.network_mode.partition(":")
        if mode in ("slirp4netns", "pasta") and options:
            body["netns"] = {"nsmode": mode}
            body["network_options"] = {mode: options.split(",")}
        else:
            body["netns"] = namespace(spec.network_mode)
    elif spec.networks:
        body["netns"] = {"nsmode": "bridge"}
    return body


def _process(spec: ContainerSpec) -> Json:
    body: Json = {
        "command": None if spec.command is None else list(spec.command),
        "env": dict(spec.env),
        "work_dir": spec.working_dir,
        "user": spec.user,
        "groups": list(spec.group_add),
        "terminal": spec.tty,
        "stdin": spec.stdin_open,
        "init": spec.init,
        "r_limits": rlimits(spec.ulimits),
        "stop_timeout": spec.stop_timeout,
    }
    if spec.entrypoint is not None:
        # An explicit empty entrypoint must reach Podman as [""] to clear the image's.
        body["entrypoint"] = list(spec.entrypoint) or [""]
    if spec.stop_signal:
        body["stop_signal"] = signal_number(spec.stop_signal)
    return body


SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
}


def human_size(text: str) -> int:
    """A log size like "10m" or "1.5GB" in bytes (decimal units, as Podman reads max-size)."""
    value = text.strip().lower()
    number = value.rstrip("bkmg")
    unit = value[len(number) :]
    if unit not in SIZE_UNITS:
        raise RuntimeOperationError(f"invalid size {text!r}")
    try:
        return int(float(number) * SIZE_UNITS[unit])
    except ValueError:
        raise RuntimeOperationError(f"invalid size {text!r}") from None


def log_configuration(driver: str, options: Mapping[str, str]) -> Json:
    """Podman keeps max-size and path as fields of its LogConfig, the rest as options."""
    rest = {k: v for k, v in options.items() if k not in ("max-size", "path")}
    size = human_size(options["max-size"]) if "max-size" in options else None
    return drop_empty(
        {"driver": driver, "path": options.get("path", ""), "size": size, "options": rest}
    )


def _policies(spec: ContainerSpec) -> Json:
    body: Json = {
        "restart_policy": "" if spec.restart.policy == "no" else spec.restart.policy,
        "log_configuration": log_configuration(spec.logging.driver, spec.logging.options),
        "resource_limits": resource_limits(spec.resources),
    }
    if spec.restart.policy == "on-failure" and spec.restart.max_retries:
        body["restart_tries"] = spec.restart.max_retries
    if spec.auto_remove:
        body["remove"] = True
    if spec.healthcheck is not None:
        body["healthconfig"] = healthconfig(spec.healthcheck)
    return body


def _namespaces(spec: ContainerSpec) -> Json:
    modes = (
        ("userns", spec.userns),
        ("ipcns", spec.ipc),
        ("pidns", spec.pid),
        ("utsns", spec.uts),
        ("cgroupns", spec.cgroupns),
    )
    found = {key: namespace(value) for key, value in modes if value}
    return found | userns_idmappings(spec.userns)


def device_rule(rule: DeviceRuleSpec) -> Json:
    """An OCI LinuxDeviceCgroup; a missing major or minor is the wildcard."""
    body: Json = {"allow": True, "type": rule.type, "access": rule.access}
    return body | drop_empty({"major": rule.major, "minor": rule.minor})


def _cgroups(spec: ContainerSpec) -> Json:
    body: Json = {
        "cgroup_parent": spec.cgroup_parent,
        "device_cgroup_rule": [device_rule(rule) for rule in spec.device_cgroup_rules],
        "oci_runtime": spec.oci_runtime,
        "storage_opts": dict(spec.storage_opt),
    } | block_devices(spec.resources.blkio)
    if spec.oom_score_adj is not None:
        body["oom_score_adj"] = spec.oom_score_adj
    return body


def userns_idmappings(userns: str) -> Json:
    mappings = idmappings.auto_idmappings(userns)
    return {"idmappings": mappings} if mappings else {}


def container_body(spec: ContainerSpec) -> Json:
    """The SpecGenerator for POST /libpod/containers/create."""
    body: Json = {
        "name": spec.name,
        "image": spec.image,
        "pod": spec.pod,
        "hostname": spec.hostname,
        "labels": dict(spec.labels),
        "annotations": dict(spec.annotations),
        "cap_add": list(spec.cap_add),
        "cap_drop": list(spec.cap_drop),
        "privileged": spec.privileged,
        "devices": [
            {"path": device_path(d.host_path, d.container_path, d.permissions)}
            for d in spec.devices
        ],
        # The API has no domainname field; the UTS sysctl is what `--domainname` amounts to.
        "sysctl": ({"kernel.domainname": spec.domainname} if spec.domainname else {})
        | dict(spec.sysctls),
        "read_only_filesystem": spec.read_only,
        "shm_size": spec.shm_size,
        "volumes_from": list(spec.volumes_from),
    }
    for part in (
        _process(spec),
        _policies(spec),
        storage(spec),
        _networking(spec),
        _namespaces(spec),
        _cgroups(spec),
        security(spec.security_opt, spec.name),
    ):
        body.update(part)
    # stop_timeout 0 is meaningful (kill at once); keep it although it is falsy.
    kept = {"stop_timeout": body["stop_timeout"]} if body["stop_timeout"] is not None else {}
    return drop_empty(body) | kept


def device_path(host: str, container: str, permissions: str) -> str:
    """Podman takes a device as one "host:container:permissions" string."""
    parts = [host]
    if container or permissions:
        parts.append(container or host)
    if permissions:
        parts.append(permissions)
    return ":".join(parts)
