"""`podman create` argv for one ContainerSpec: what `--dry-run` shows (never executed)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from composer.specs import (
    BlkioSpec,
    ContainerSpec,
    DeviceRuleSpec,
    DeviceSpec,
    HealthcheckSpec,
    MountSpec,
    NetworkAttachment,
    PortSpec,
    ResourcesSpec,
    RestartSpec,
    SecretRefSpec,
)

Argv = list[str]


def repeated(flag: str, values: tuple[str, ...] | list[str]) -> Argv:
    """`flag v1 flag v2 ...`."""
    return [part for value in values for part in (flag, value)]


def pairs(flag: str, values: Mapping[str, str]) -> Argv:
    """`flag k=v` for each entry, sorted by key so the output is stable."""
    return repeated(flag, [f"{key}={value}" for key, value in sorted(values.items())])


def optional(flag: str, value: object) -> Argv:
    """`flag value` when set (None and "" are unset; 0 is a value)."""
    return [] if value is None or value == "" else [flag, str(value)]


def switch(flag: str, on: bool) -> Argv:
    return [flag] if on else []


def seconds(value: float) -> str:
    """A duration as Podman reads it: `90s`, `1.5s`."""
    return f"{value:g}s"


def publish(port: PortSpec) -> str:
    """`-p` syntax: `[ip:][host:]container[/proto]`, ranges as `a-b`; IPv6 ips bracketed."""
    container = _span(port.container_port, port.range)
    host = _span(port.host_port, port.range) if port.host_port else ""
    ip = f"[{port.host_ip}]" if ":" in port.host_ip else port.host_ip
    text = f"{ip}:{host}:{container}" if ip else f"{host}:{container}" if host else container
    return text if port.protocol == "tcp" else f"{text}/{port.protocol}"


def _span(first: int, width: int) -> str:
    return str(first) if width <= 1 else f"{first}-{first + width - 1}"


def network(attachment: NetworkAttachment) -> str:
    """`--network name:alias=a,alias=b,ip=...,mac=...`."""
    options = [f"alias={alias}" for alias in attachment.aliases]
    for key, value in (
        ("ip", attachment.ipv4_address),
        ("ip6", attachment.ipv6_address),
        ("mac", attachment.mac_address),
        ("interface_name", attachment.interface_name),
    ):
        if value:
            options.append(f"{key}={value}")
    return f"{attachment.name}:{','.join(options)}" if options else attachment.name


def device(spec: DeviceSpec) -> str:
    parts = [spec.host_path]
    if spec.container_path or spec.permissions:
        parts.append(spec.container_path or spec.host_path)
    if spec.permissions:
        parts.append(spec.permissions)
    return ":".join(parts)


def mount(spec: MountSpec) -> Argv:
    """Binds and volumes as `-v` (`--mount` when they carry extra options), tmpfs as `--mount`."""
    if spec.type == "tmpfs" or spec.options:
        return ["--mount", _mount_option(spec)]
    options = _volume_options(spec)
    source = f"{spec.source}:" if spec.source else ""
    suffix = f":{','.join(options)}" if options else ""
    return ["-v", f"{source}{spec.target}{suffix}"]


def _volume_options(spec: MountSpec) -> list[str]:
    options = ["ro"] if spec.read_only else []
    options += [value for value in (spec.selinux, spec.propagation) if value]
    return options + (["nocopy"] if spec.nocopy else [])


def _mount_option(spec: MountSpec) -> str:
    fields = [f"type={spec.type}"]
    if spec.source:
        fields.append(f"source={spec.source}")
    fields.append(f"destination={spec.target}")
    if spec.read_only:
        fields.append("ro=true")
    if spec.tmpfs_size is not None:
        fields.append(f"tmpfs-size={spec.tmpfs_size}")
    if spec.tmpfs_mode is not None:
        fields.append(f"tmpfs-mode={spec.tmpfs_mode:o}")
    if spec.selinux:
        fields.append("relabel=" + ("private" if spec.selinux == "Z" else "shared"))
    if spec.propagation:
        fields.append(f"bind-propagation={spec.propagation}")
    return ",".join(fields + list(spec.options))


def health_command(test: tuple[str, ...]) -> str:
    """The `--health-cmd` value Podman's CLI reads back as `test`.

    Podman (4.3) splits a JSON array that starts with "CMD" at every space, so an exec test
    is given as the JSON array of its arguments alone (Podman puts CMD back), or as
    `CMD arg` for a single argument without spaces; a CMD-SHELL test as its command line.
    """
    if test[:1] == ("CMD-SHELL",) and len(test) == 2:
        return test[1]
    args = list(test[1:]) if test[:1] == ("CMD",) else list(test)
    if len(args) == 1 and args[0] and not any(char.isspace() for char in args[0]):
        return f"CMD {args[0]}"
    return json.dumps(args)


def healthcheck(check: HealthcheckSpec | None) -> Argv:
    """`--health-*` flags for the container's healthcheck (`--no-healthcheck` to disable)."""
    if check is None:
        return []
    if check.disabled:
        return ["--no-healthcheck"]
    argv = ["--health-cmd", health_command(check.test)]
    for flag, value in (
        ("--health-interval", check.interval),
        ("--health-timeout", check.timeout),
        ("--health-start-period", check.start_period),
    ):
        if value is not None:
            argv += [flag, seconds(value)]
    return argv + optional("--health-retries", check.retries)


def restart(policy: RestartSpec) -> Argv:
    if policy.policy == "no":
        return []
    retries = f":{policy.max_retries}" if policy.max_retries else ""
    return ["--restart", f"{policy.policy}{retries}"]


def resources(limits: ResourcesSpec) -> Argv:
    return [
        *optional("--memory", limits.memory_limit),
        *optional("--memory-reservation", limits.memory_reservation),
        *optional("--memory-swap", limits.memory_swap),
        *optional("--cpus", limits.cpus),
        *optional("--cpu-shares", limits.cpu_shares),
        *optional("--cpuset-cpus", limits.cpuset),
        *optional("--pids-limit", limits.pids_limit),
        *optional("--memory-swappiness", limits.memory_swappiness),
        *optional("--cpu-period", limits.cpu_period),
        *optional("--cpu-quota", limits.cpu_quota),
        *switch("--oom-kill-disable", limits.oom_kill_disable),
        *optional("--cpu-rt-period", limits.cpu_rt_period),
        *optional("--cpu-rt-runtime", limits.cpu_rt_runtime),
        *blkio(limits.blkio),
    ]


def blkio(spec: BlkioSpec) -> Argv:
    def rates(flag: str, entries: tuple[tuple[str, int], ...]) -> Argv:
        return repeated(flag, [f"{path}:{value}" for path, value in entries])

    return [
        *optional("--blkio-weight", spec.weight),
        *rates("--blkio-weight-device", spec.weight_device),
        *rates("--device-read-bps", spec.read_bps),
        *rates("--device-write-bps", spec.write_bps),
        *rates("--device-read-iops", spec.read_iops),
        *rates("--device-write-iops", spec.write_iops),
    ]


def device_rule(rule: DeviceRuleSpec) -> str:
    def number(value: int | None) -> str:
        return "*" if value is None else str(value)

    return f"{rule.type} {number(rule.major)}:{number(rule.minor)} {rule.access}"


def create_argv(spec: ContainerSpec) -> Argv:
    """`podman create ... IMAGE [COMMAND...]` for `spec`."""
    argv = ["podman", "create", "--name", spec.name, *optional("--pod", spec.pod)]
    argv += _identity(spec) + _privileges(spec) + _process(spec) + _storage(spec)
    argv += _networking(spec)
    if spec.entrypoint is not None:
        # JSON keeps the arguments apart; an empty entrypoint clears the image's.
        argv += ["--entrypoint", json.dumps(list(spec.entrypoint)) if spec.entrypoint else ""]
    return [*argv, spec.image, *(spec.command or ())]


def _identity(spec: ContainerSpec) -> Argv:
    return [
        *pairs("--label", spec.labels),
        *pairs("--annotation", spec.annotations),
        *repeated("-e", [f"{key}={value}" for key, value in sorted(spec.env.items())]),
        *optional("--workdir", spec.working_dir),
        *optional("--user", spec.user),
        *repeated("--group-add", spec.group_add),
        *optional("--hostname", spec.hostname),
    ]


def _privileges(spec: ContainerSpec) -> Argv:
    return [
        *repeated("--cap-add", spec.cap_add),
        *repeated("--cap-drop", spec.cap_drop),
        *switch("--privileged", spec.privileged),
        *repeated("--device", [device(d) for d in spec.devices]),
        *repeated("--security-opt", spec.security_opt),
        # The CLI adds tmpfs on /tmp, /var/tmp and /run to a read-only container; the API
        # (and docker) does not.
        *(["--read-only", "--read-only-tmpfs=false"] if spec.read_only else []),
        # Podman's CLI has no --domainname: this is what the API is given (the CLI refuses
        # kernel.domainname, so `composer systemd` refuses domainname).
        *pairs("--sysctl", sysctls(spec)),
        *optional("--userns", spec.userns),
        *optional("--ipc", spec.ipc),
        *optional("--pid", spec.pid),
        *optional("--uts", spec.uts),
        *optional("--cgroupns", spec.cgroupns),
        *optional("--cgroup-parent", spec.cgroup_parent),
        *optional("--oom-score-adj", spec.oom_score_adj),
        *repeated("--device-cgroup-rule", [device_rule(r) for r in spec.device_cgroup_rules]),
        *optional("--runtime", spec.oci_runtime),
        *pairs("--storage-opt", spec.storage_opt),
    ]


def _process(spec: ContainerSpec) -> Argv:
    return [
        *switch("--init", spec.init),
        *switch("--tty", spec.tty),
        *switch("--interactive", spec.stdin_open),
        *switch("--rm", spec.auto_remove),
        *repeated("--ulimit", [f"{u.name}={u.soft}:{u.hard}" for u in spec.ulimits]),
        *optional("--shm-size", spec.shm_size),
        *optional("--stop-signal", spec.stop_signal),
        *optional("--stop-timeout", spec.stop_timeout),
        *restart(spec.restart),
        *healthcheck(spec.healthcheck),
        *optional("--log-driver", spec.logging.driver),
        *pairs("--log-opt", spec.logging.options),
        *resources(spec.resources),
    ]


def sysctls(spec: ContainerSpec) -> dict[str, str]:
    """The container's sysctls, `domainname` as kernel.domainname (as specgen sends it)."""
    domain = {"kernel.domainname": spec.domainname} if spec.domainname else {}
    return {**domain, **spec.sysctls}


def _storage(spec: ContainerSpec) -> Argv:
    argv = repeated("--tmpfs", spec.tmpfs)
    for entry in spec.mounts:
        argv += mount(entry)
    secrets = [secret_option(ref) for ref in spec.secrets]
    return argv + repeated("--volumes-from", spec.volumes_from) + repeated("--secret", secrets)


def secret_option(ref: SecretRefSpec) -> str:
    """`--secret` syntax for a Podman secret mounted into the container."""
    return (
        f"{ref.name},type=mount,target={ref.target},uid={ref.uid},gid={ref.gid},mode={ref.mode:o}"
    )


def _networking(spec: ContainerSpec) -> Argv:
    return [
        *optional("--network", spec.network_mode),
        *repeated("--network", [network(n) for n in spec.networks]),
        *repeated("-p", [publish(p) for p in spec.ports]),
        *repeated("--expose", [f"{p.container_port}/{p.protocol}" for p in spec.expose]),
        *repeated("--dns", spec.dns),
        *repeated("--dns-search", spec.dns_search),
        *repeated("--dns-option", spec.dns_opt),
        *repeated("--add-host", [f"{h.name}:{h.ip}" for h in spec.extra_hosts]),
    ]
