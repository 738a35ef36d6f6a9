"""cgroups and their manager, the OCI runtime that works with them, and storage."""

from __future__ import annotations

from composer.doctor.checks_engine import check_cgroups, check_oci_runtime, check_storage
from tests.unit.doctor.fakes import (
    HYBRID_MOUNTINFO,
    V1_MOUNTINFO,
    context,
    root_host,
    rootless_host,
    shown,
)

ROOT_DROPIN = "/etc/containers/containers.conf.d/50-composer-runtime.conf"
USER_DROPIN = "/home/alice/.config/containers/containers.conf.d/50-composer-runtime.conf"


def test_cgroups_v2_ok() -> None:
    assert shown(check_cgroups(context(rootless_host()))) == [
        "ok       cgroups: v2 (unified), manager systemd"
    ]


def test_cgroups_hybrid_rootless() -> None:
    host = rootless_host()
    host.files["/proc/self/mountinfo"] = HYBRID_MOUNTINFO
    host.set_info("host", "cgroupManager", "cgroupfs")
    assert shown(check_cgroups(context(host))) == [
        "warning  cgroups: hybrid (v1 controllers, cgroup2 beside them), manager cgroupfs: "
        "rootless containers get no resource limits, and Quadlet needs cgroups v2",
        "         fix: boot with systemd.unified_cgroup_hierarchy=1 on the kernel command line",
    ]


def test_cgroups_v1_root() -> None:
    host = root_host()
    host.files["/proc/self/mountinfo"] = V1_MOUNTINFO
    host.set_info("host", "cgroupManager", "cgroupfs")
    assert check_cgroups(context(host))[0].message == (
        "v1, manager cgroupfs: Quadlet needs cgroups v2"
    )


def test_cgroups_none_mounted() -> None:
    host = root_host()
    host.files["/proc/self/mountinfo"] = ""
    host.set_info("host", "cgroupManager", "cgroupfs")
    assert shown(check_cgroups(context(host))) == [
        "problem  cgroups: no cgroup filesystem is mounted on /sys/fs/cgroup",
        "         fix: mount -t cgroup2 none /sys/fs/cgroup",
    ]


def test_systemd_manager_without_a_user_session_gets_a_dropin() -> None:
    host = rootless_host()
    del host.stats["/run/user/1000/bus"]
    (check,) = check_cgroups(context(host))
    dropin = "/home/alice/.config/containers/containers.conf.d/50-composer-cgroups.conf"
    assert shown([check]) == [
        "warning  cgroups: the cgroup manager is systemd but there is no systemd session: "
        'Podman warns "The cgroupv2 manager is set to systemd but there is no systemd user '
        'session available" and falls back to cgroupfs',
        f"         fix: `composer doctor --fix` writes {dropin} "
        '([engine] cgroup_manager = "cgroupfs")',
    ]
    assert check.action is not None
    assert check.action.path == dropin


def test_systemd_manager_without_systemd_as_init() -> None:
    host = root_host()
    del host.stats["/run/systemd/system"]
    assert check_cgroups(context(host))[0].status == "warning"


def test_runtime_ok_names_where_it_was_chosen() -> None:
    host = root_host()
    host.files["/etc/containers/containers.conf.d/50-composer-runtime.conf"] = (
        '[engine]\nruntime = "crun"\n'
    )
    assert shown(check_oci_runtime(context(host))) == [
        f"ok       oci-runtime: crun (from {ROOT_DROPIN}) works with cgroups v2"
    ]
    assert shown(check_oci_runtime(context(rootless_host()))) == [
        "ok       oci-runtime: crun (Podman's default) works with cgroups v2"
    ]


def test_crun_on_hybrid_cgroups_is_a_problem_with_a_local_fix() -> None:
    host = rootless_host()
    host.files["/proc/self/mountinfo"] = HYBRID_MOUNTINFO
    (check,) = check_oci_runtime(context(host))
    assert shown([check]) == [
        "problem  oci-runtime: crun (Podman's default) refuses hybrid cgroups (\"crun: cgroups "
        'in hybrid mode not supported, drop all controllers from cgroupv2"); runc works with them',
        f'         fix: `composer doctor --fix` writes {USER_DROPIN} ([engine] runtime = "runc")',
    ]
    assert check.action is not None
    assert (check.action.path, check.action.content) == (
        USER_DROPIN,
        '[engine]\nruntime = "runc"\n',
    )


def test_crun_from_containers_conf_env_cannot_use_a_dropin() -> None:
    host = root_host()
    host.files["/proc/self/mountinfo"] = HYBRID_MOUNTINFO
    host.environ["CONTAINERS_CONF"] = "/tmp/crun.conf"
    host.files["/tmp/crun.conf"] = '[engine]\nruntime = "crun"\n'
    host.info_error = 'default OCI runtime "crun" not found: invalid argument'
    del host.programs["crun"]
    (check,) = check_oci_runtime(context(host))
    assert shown([check]) == [
        'problem  oci-runtime: crun (from /tmp/crun.conf) refuses hybrid cgroups ("crun: '
        'cgroups in hybrid mode not supported, drop all controllers from cgroupv2"); runc works '
        "with them; crun is not installed either",
        '         fix: set runtime = "runc" under [engine] in /tmp/crun.conf (CONTAINERS_CONF '
        "names it, so Podman ignores drop-in files)",
    ]
    assert check.action is None


def test_crun_on_hybrid_without_runc_installs_it_first() -> None:
    host = root_host()
    host.files["/proc/self/mountinfo"] = HYBRID_MOUNTINFO
    del host.programs["runc"]
    (check,) = check_oci_runtime(context(host))
    assert check.fix == (
        f"apt-get install runc, then `composer doctor --fix` writes {ROOT_DROPIN} ([engine] "
        'runtime = "runc")'
    )
    assert check.action is None


def test_crun_on_cgroups_v1_is_a_warning() -> None:
    host = root_host()
    host.files["/proc/self/mountinfo"] = V1_MOUNTINFO
    (check,) = check_oci_runtime(context(host))
    assert check.status == "warning"
    assert check.message == (
        "crun (Podman's default) on cgroups v1 is poorly supported; runc works with them"
    )


def test_runc_on_hybrid_is_fine() -> None:
    host = root_host()
    host.files["/proc/self/mountinfo"] = HYBRID_MOUNTINFO
    host.set_info("host", "ociRuntime", "name", "runc")
    assert shown(check_oci_runtime(context(host))) == [
        "ok       oci-runtime: runc (Podman's default) works with hybrid cgroups"
    ]


def test_configured_runtime_that_is_not_installed() -> None:
    host = root_host()
    host.info_error = 'default OCI runtime "kata" not found: invalid argument'
    host.files["/etc/containers/containers.conf"] = '[engine]\nruntime = "kata"\n'
    assert shown(check_oci_runtime(context(host))) == [
        "problem  oci-runtime: kata (from /etc/containers/containers.conf) is not installed",
        "         fix: apt-get install kata",
    ]


def test_runtime_unknown() -> None:
    host = root_host()
    host.info_error = "boom"
    assert check_oci_runtime(context(host))[0].message == (
        "unknown: `podman info` fails and no containers.conf names a runtime"
    )


def test_storage_overlay() -> None:
    assert shown(check_storage(context(rootless_host()))) == ["ok       storage: overlay"]


def test_storage_fuse_overlayfs() -> None:
    host = rootless_host()
    host.set_info(
        "store",
        "graphOptions",
        {"overlay.mount_program": {"Executable": "/usr/bin/fuse-overlayfs"}},
    )
    assert shown(check_storage(context(host))) == [
        "ok       storage: overlay through /usr/bin/fuse-overlayfs"
    ]


def test_storage_vfs_is_a_warning_that_says_reset_deletes_everything() -> None:
    host = rootless_host()
    host.set_info("store", "graphDriverName", "vfs")
    assert shown(check_storage(context(host))) == [
        "warning  storage: vfs copies every image layer in full: slow, and it fills the disk",
        '         fix: set driver = "overlay" under [storage] in '
        "/home/alice/.config/containers/storage.conf, then `podman system reset --force` "
        "(it deletes every image, container and volume of this user)",
    ]


def test_storage_vfs_on_an_old_kernel_needs_fuse_overlayfs() -> None:
    host = rootless_host()
    host.set_info("store", "graphDriverName", "vfs")
    host.files["/proc/sys/kernel/osrelease"] = "5.10.0-28-amd64\n"
    fix = check_storage(context(host))[0].fix
    assert fix is not None
    assert fix.endswith(
        '; this kernel needs mount_program = "/usr/bin/fuse-overlayfs" under '
        "[storage.options.overlay] (install fuse-overlayfs)"
    )


def test_storage_root_uses_etc() -> None:
    host = root_host()
    host.set_info("store", "graphDriverName", "vfs")
    fix = check_storage(context(host))[0].fix
    assert fix is not None
    assert fix.startswith('set driver = "overlay" under [storage] in /etc/containers/storage.conf')


def test_storage_unknown_when_podman_info_fails() -> None:
    host = root_host()
    host.info_error = "boom"
    assert shown(check_storage(context(host))) == [
        "warning  storage: unknown: `podman info` fails",
        "         fix: fix the podman problem first",
    ]
