"""Engine checks: cgroups and their manager, the OCI runtime that works with them, storage."""

from __future__ import annotations

from typing import Any

from composer.doctor import conf, fixes
from composer.doctor.check import Check, ok, problem, warning
from composer.doctor.context import Context, parse_version

CRUN_HYBRID = '"crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2"'
NO_USER_SESSION = (
    '"The cgroupv2 manager is set to systemd but there is no systemd user session available"'
)
ROOTLESS_OVERLAY_KERNEL = (5, 13)
LAYOUTS = {
    "v2": "v2 (unified)",
    "hybrid": "hybrid (v1 controllers, cgroup2 beside them)",
    "v1": "v1",
}
LAYOUT_NAMES = {
    "v2": "cgroups v2",
    "hybrid": "hybrid cgroups",
    "v1": "cgroups v1",
    "none": "no cgroups",
}


def cgroup_manager(ctx: Context) -> str | None:
    reported = ctx.info.get("host", "cgroupManager")
    configured = ctx.containers_conf.get("engine", "cgroup_manager")
    value = reported or configured
    return str(value) if value else None


def _manager_without_systemd(ctx: Context, manager: str) -> Check:
    setting = 'cgroup_manager = "cgroupfs"'
    action = fixes.dropin(ctx, fixes.CGROUPS_DROPIN, "engine", setting)
    return warning(
        "cgroups",
        f"the cgroup manager is {manager} but there is no systemd session: Podman warns "
        f"{NO_USER_SESSION} and falls back to cgroupfs",
        fixes.describe(ctx, action, "engine", setting),
        action,
    )


def check_cgroups(ctx: Context) -> list[Check]:
    layout = ctx.cgroups
    manager = cgroup_manager(ctx)
    no_session = not ctx.systemd_is_init or (ctx.rootless and not ctx.has_user_session())
    if manager == "systemd" and no_session:
        return [_manager_without_systemd(ctx, manager)]
    if layout == "none":
        return [
            problem(
                "cgroups",
                "no cgroup filesystem is mounted on /sys/fs/cgroup",
                ctx.as_root("mount -t cgroup2 none /sys/fs/cgroup"),
            )
        ]
    shown = f"{LAYOUTS[layout]}, manager {manager or 'unknown'}"
    if layout == "v2":
        return [ok("cgroups", shown)]
    consequence = "Quadlet needs cgroups v2"
    if ctx.rootless:
        consequence = f"rootless containers get no resource limits, and {consequence}"
    return [
        warning(
            "cgroups",
            f"{shown}: {consequence}",
            "boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line",
        )
    ]


def _runtime_choice(ctx: Context) -> tuple[str | None, str, bool]:
    """The OCI runtime's name, where it was chosen, and whether Podman found it."""
    reported = ctx.info.get("host", "ociRuntime", "name")
    configured = ctx.containers_conf.get("engine", "runtime")
    where = ctx.containers_conf.origin("engine", "runtime")
    if isinstance(reported, str) and reported:
        origin = f"from {where}" if reported == configured and where else "Podman's default"
        return reported, origin, True
    if isinstance(configured, str) and configured:
        return configured, f"from {where}", ctx.host.which(configured) is not None
    return None, "", False


def _crun_on_v1(ctx: Context, origin: str, installed: bool) -> Check:
    hybrid = ctx.cgroups == "hybrid"
    if hybrid:
        message = f"crun ({origin}) refuses hybrid cgroups ({CRUN_HYBRID}); runc works with them"
    else:
        message = f"crun ({origin}) on cgroups v1 is poorly supported; runc works with them"
    if not installed:
        message += "; crun is not installed either"
    setting = 'runtime = "runc"'
    action = fixes.dropin(ctx, fixes.RUNTIME_DROPIN, "engine", setting)
    fix = fixes.describe(ctx, action, "engine", setting)
    if ctx.host.which("runc") is None:
        # Choosing runc before it is installed would break Podman entirely.
        fix, action = f"{ctx.install_command('runc')}, then {fix}", None
    make = problem if hybrid else warning
    return make("oci-runtime", message, fix, action)


def check_oci_runtime(ctx: Context) -> list[Check]:
    name, origin, installed = _runtime_choice(ctx)
    if name is None:
        return [
            warning(
                "oci-runtime",
                "unknown: `podman info` fails and no containers.conf names a runtime",
                "fix the podman problem first",
            )
        ]
    if name == "crun" and ctx.cgroups in ("hybrid", "v1"):
        return [_crun_on_v1(ctx, origin, installed)]
    if not installed:
        return [
            problem("oci-runtime", f"{name} ({origin}) is not installed", ctx.install_command(name))
        ]
    return [ok("oci-runtime", f"{name} ({origin}) works with {LAYOUT_NAMES[ctx.cgroups]}")]


def _mount_program(options: Any) -> str | None:
    value = options.get("overlay.mount_program") if isinstance(options, dict) else None
    if isinstance(value, dict):
        value = value.get("Executable")
    return str(value) if value else None


def storage_conf_path(ctx: Context) -> str:
    if ctx.who.is_root:
        return "/etc/containers/storage.conf"
    return f"{conf.config_home(ctx.host, ctx.who)}/containers/storage.conf"


def _vfs_fix(ctx: Context) -> str:
    whose = " of this user" if ctx.rootless else ""
    fix = (
        f'set driver = "overlay" under [storage] in {storage_conf_path(ctx)}, then '
        f"`podman system reset --force` (it deletes every image, container and volume{whose})"
    )
    kernel = parse_version(ctx.host.read_text("/proc/sys/kernel/osrelease") or "")
    if ctx.rootless and kernel is not None and kernel[:2] < ROOTLESS_OVERLAY_KERNEL:
        fix += (
            '; this kernel needs mount_program = "/usr/bin/fuse-overlayfs" under '
            "[storage.options.overlay] (install fuse-overlayfs)"
        )
    return fix


def check_storage(ctx: Context) -> list[Check]:
    driver = ctx.info.get("store", "graphDriverName")
    if not isinstance(driver, str) or not driver:
        if ctx.info.error is None:
            return []
        return [warning("storage", "unknown: `podman info` fails", "fix the podman problem first")]
    if driver == "vfs":
        return [
            warning(
                "storage",
                "vfs copies every image layer in full: slow, and it fills the disk",
                _vfs_fix(ctx),
            )
        ]
    program = _mount_program(ctx.info.get("store", "graphOptions"))
    if driver == "overlay" and program:
        return [ok("storage", f"overlay through {program}")]
    return [ok("storage", driver)]
