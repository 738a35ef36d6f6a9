"""Service settings that translate on their own: restart, healthcheck, logging, limits, mounts."""

from __future__ import annotations

import re
from typing import TypeVar, cast

from composer.errors import ComposerError, ConfigError, Problem
from composer.model import Healthcheck, Logging, Mount, Service
from composer.plan.file_copies import secret_target
from composer.plan.translate_context import PlanContext
from composer.specs import (
    BlkioSpec,
    DeviceRate,
    DeviceRuleSpec,
    DeviceSpec,
    HealthcheckSpec,
    LogSpec,
    MountSpec,
    ResourcesSpec,
    RestartPolicyName,
    RestartSpec,
    UlimitSpec,
)

RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")
# deploy.restart_policy.condition -> the container restart policy (docker compose's mapping).
DEPLOY_CONDITIONS: dict[str, RestartPolicyName] = {
    "none": "no",
    "on-failure": "on-failure",
    "any": "always",
}
T = TypeVar("T")


def restart_spec(service: Service) -> RestartSpec:
    """`restart` wins; else `deploy.restart_policy` (condition defaults to `any`); else `no`."""
    if service.restart is not None:
        return _parse_restart(service.name, service.restart)
    policy = service.deploy.restart_policy if service.deploy else None
    if policy is None:
        return RestartSpec()
    condition = policy.condition or "any"
    name = DEPLOY_CONDITIONS.get(condition)
    if name is None:
        raise ComposerError(
            f'service "{service.name}": invalid deploy.restart_policy.condition "{condition}": '
            'use "none", "on-failure" or "any"'
        )
    retries = (policy.max_attempts or 0) if name == "on-failure" else 0
    return RestartSpec(name, retries)


def _parse_restart(service: str, value: str) -> RestartSpec:
    # The schema checks this already; a model built another way must not slip through.
    name, _, count = value.partition(":")
    retries = int(count) if count.isdigit() else 0
    if name not in RESTART_POLICIES or (count and (name != "on-failure" or not count.isdigit())):
        raise ComposerError(
            f'service "{service}": invalid restart policy "{value}": use "no", "always", '
            '"on-failure", "on-failure:<retries>" or "unless-stopped"'
        )
    return RestartSpec(cast(RestartPolicyName, name), retries)


def healthcheck_spec(check: Healthcheck | None) -> HealthcheckSpec | None:
    """The service's healthcheck; timings without a test keep the image's own check."""
    if check is None:
        return None
    if check.disabled:
        return HealthcheckSpec(test=("NONE",), disabled=True)
    if not check.test:
        return None
    return HealthcheckSpec(
        test=check.test,
        interval=check.interval,
        timeout=check.timeout,
        retries=check.retries,
        start_period=check.start_period,
        start_interval=check.start_interval,
    )


def log_spec(logging: Logging | None) -> LogSpec:
    if logging is None:
        return LogSpec()
    options = {key: value for key, value in logging.options.items() if value is not None}
    return LogSpec(driver=logging.driver or "", options=options)


def resources_spec(service: Service) -> ResourcesSpec:
    """Service-level limits; `deploy.resources` wins where it sets a value (as docker compose)."""
    resources = service.deploy.resources if service.deploy else None
    limits = resources.limits if resources else None
    reservations = resources.reservations if resources else None
    return ResourcesSpec(
        memory_limit=_first(limits.memory if limits else None, service.mem_limit),
        memory_reservation=_first(
            reservations.memory if reservations else None, service.mem_reservation
        ),
        memory_swap=service.memswap_limit,
        cpus=_first(limits.cpus if limits else None, service.cpus),
        cpu_shares=service.cpu_shares,
        cpuset=service.cpuset or "",
        pids_limit=_first(limits.pids if limits else None, service.pids_limit),
        memory_swappiness=service.mem_swappiness,
        cpu_period=service.cpu_period,
        cpu_quota=service.cpu_quota,
        oom_kill_disable=service.oom_kill_disable,
        cpu_rt_period=_integer(service.other.get("cpu_rt_period")),
        cpu_rt_runtime=_integer(service.other.get("cpu_rt_runtime")),
        blkio=blkio_spec(service.other.get("blkio_config")),
    )


def _integer(value: object) -> int | None:
    """A canonical number (docker compose prints some as strings); None when absent."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    return int(str(value)) if str(value).lstrip("-").isdigit() else None


def _device_rates(entries: object, key: str) -> tuple[DeviceRate, ...]:
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            number = _integer(entry.get(key))
            if entry.get("Path") and number is not None:
                found.append((str(entry["Path"]), number))
    return tuple(found)


def blkio_spec(config: object) -> BlkioSpec:
    """`blkio_config` in its canonical form (`Path`, `Weight`, `Rate` keys)."""
    if not isinstance(config, dict):
        return BlkioSpec()
    return BlkioSpec(
        weight=_integer(config.get("weight")),
        weight_device=_device_rates(config.get("weight_device"), "Weight"),
        read_bps=_device_rates(config.get("device_read_bps"), "Rate"),
        write_bps=_device_rates(config.get("device_write_bps"), "Rate"),
        read_iops=_device_rates(config.get("device_read_iops"), "Rate"),
        write_iops=_device_rates(config.get("device_write_iops"), "Rate"),
    )


DEVICE_RULE = re.compile(
    r"^(?P<type>[acb]) (?P<major>\*|\d+):(?P<minor>\*|\d+) (?P<access>[rwm]{1,3})$"
)


def device_rule_specs(service: Service) -> tuple[DeviceRuleSpec, ...]:
    """`device_cgroup_rules` as Podman takes them; a malformed rule is a config error."""
    rules, problems = [], []
    for index, text in enumerate(service.device_cgroup_rules):
        found = DEVICE_RULE.match(text.strip())
        if found is None:
            problems.append(
                Problem(
                    None,
                    None,
                    f"services.{service.name}.device_cgroup_rules[{index}]",
                    f'invalid rule "{text}": use "TYPE MAJOR:MINOR ACCESS", TYPE a, b or c, '
                    'MAJOR and MINOR numbers or *, ACCESS some of r, w, m (e.g. "c 1:3 mr")',
                )
            )
            continue
        major, minor = found["major"], found["minor"]
        rules.append(
            DeviceRuleSpec(
                found["type"],
                None if major == "*" else int(major),
                None if minor == "*" else int(minor),
                found["access"],
            )
        )
    if problems:
        raise ConfigError(problems)
    return tuple(rules)


def _first(*values: T | None) -> T | None:
    return next((value for value in values if value is not None), None)


def ulimit_specs(service: Service) -> tuple[UlimitSpec, ...]:
    return tuple(
        UlimitSpec(name, limit.soft, limit.hard) for name, limit in sorted(service.ulimits.items())
    )


def device_specs(service: Service) -> tuple[DeviceSpec, ...]:
    """Devices; a container path equal to the host path and `rwm` are Podman's defaults."""
    return tuple(
        DeviceSpec(
            host_path=device.source,
            container_path="" if device.target == device.source else device.target,
            permissions="" if device.permissions == "rwm" else device.permissions,
        )
        for device in service.devices
    )


def mount_specs(ctx: PlanContext, service: Service) -> tuple[MountSpec, ...]:
    """`volumes` entries, then file-based secrets and configs as read-only binds."""
    mounts = [mount_spec(ctx, service.name, mount) for mount in service.volumes]
    mounts.extend(_file_mounts(ctx, service))
    return tuple(mounts)


def mount_spec(ctx: PlanContext, service: str, mount: Mount) -> MountSpec:
    if mount.type == "bind":
        bind = mount.bind
        return MountSpec(
            type="bind",
            target=mount.target,
            source=mount.source or "",
            read_only=mount.read_only,
            selinux="Z" if bind and bind.selinux == "Z" else "z" if bind and bind.selinux else "",
            propagation=(bind.propagation or "") if bind else "",
            create_host_path=bind.create_host_path if bind else False,
        )
    if mount.type == "volume":
        options = mount.volume
        return MountSpec(
            type="volume",
            target=mount.target,
            source=ctx.volume_name(mount.source) if mount.source else "",
            read_only=mount.read_only,
            nocopy=options.nocopy if options else False,
            options=(f"subpath={options.subpath}",) if options and options.subpath else (),
        )
    if mount.type == "tmpfs":
        tmpfs = mount.tmpfs
        return MountSpec(
            type="tmpfs",
            target=mount.target,
            read_only=mount.read_only,
            tmpfs_size=tmpfs.size if tmpfs else None,
            tmpfs_mode=tmpfs.mode if tmpfs else None,
        )
    raise ComposerError(
        f'service "{service}": volume type "{mount.type}" ({mount.target}) is not supported '
        "by Podman; use bind, volume or tmpfs"
    )


def _file_mounts(ctx: PlanContext, service: Service) -> list[MountSpec]:
    """Secrets and configs read from a file are bind-mounted read-only, as docker compose does.

    Those made from the environment or inline content have no file to bind: they are copied
    into the container (composer.plan.file_copies).
    """
    mounts = []
    for secret in service.secrets:
        found = ctx.project.secrets.get(secret.source)
        if found is not None and found.file:
            mounts.append(MountSpec("bind", secret_target(secret), found.file, read_only=True))
    for config in service.configs:
        found_config = ctx.project.configs.get(config.source)
        if found_config is not None and found_config.file:
            target = config.target or f"/{config.source}"
            mounts.append(MountSpec("bind", target, found_config.file, read_only=True))
    return mounts
