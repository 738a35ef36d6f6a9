"""Root or rootless, the runtime directory, user namespaces, subordinate IDs, ID mappers."""

from __future__ import annotations

import stat

from composer.doctor.checks_user import (
    check_newgidmap,
    check_newuidmap,
    check_runtime_dir,
    check_subgid,
    check_subuid,
    check_user,
    check_user_namespaces,
)
from composer.doctor.host import CommandResult, FileInfo
from tests.unit.doctor.fakes import PROGRAM, context, root_host, rootless_host, shown


def test_user_rootless() -> None:
    assert shown(check_user(context(rootless_host()))) == [
        "ok       user: alice (uid 1000): rootless Podman"
    ]


def test_user_root_skips_rootless_checks() -> None:
    ctx = context(root_host())
    assert shown(check_user(ctx)) == [
        "ok       user: root: rootful Podman (rootless checks skipped: run doctor as the user "
        "who runs rootless Podman)"
    ]
    for rootless_only in (
        check_runtime_dir,
        check_user_namespaces,
        check_subuid,
        check_subgid,
        check_newuidmap,
        check_newgidmap,
    ):
        assert rootless_only(ctx) == []


def test_runtime_dir_ok() -> None:
    assert shown(check_runtime_dir(context(rootless_host()))) == [
        "ok       runtime-dir: XDG_RUNTIME_DIR=/run/user/1000"
    ]


def test_runtime_dir_unset_is_a_warning() -> None:
    host = rootless_host()
    del host.environ["XDG_RUNTIME_DIR"]
    assert shown(check_runtime_dir(context(host))) == [
        "warning  runtime-dir: XDG_RUNTIME_DIR is not set: Podman keeps its runtime state and "
        "API socket under /tmp/podman-run-1000 instead of /run/user/1000",
        "         fix: log in through a session (ssh, `machinectl shell USER@`), or create it: "
        "sudo install -d -m 0700 -o alice -g 1000 /run/user/1000, "
        "then export XDG_RUNTIME_DIR=/run/user/1000",
    ]


def test_runtime_dir_of_another_user_is_a_problem() -> None:
    host = rootless_host()
    host.environ["XDG_RUNTIME_DIR"] = "/run/user/0"
    host.stats["/run/user/0"] = FileInfo(stat.S_IFDIR | 0o700, 0)
    assert shown(check_runtime_dir(context(host))) == [
        'problem  runtime-dir: XDG_RUNTIME_DIR directory "/run/user/0" is not owned by the '
        "current user",
        "         fix: export XDG_RUNTIME_DIR=/run/user/1000 (a directory alice owns, mode 0700)",
    ]


def test_user_namespaces_ok() -> None:
    assert shown(check_user_namespaces(context(rootless_host()))) == [
        "ok       user-namespaces: user.max_user_namespaces is 63000"
    ]


def test_user_namespaces_disabled() -> None:
    host = rootless_host()
    host.files["/proc/sys/user/max_user_namespaces"] = "0\n"
    assert shown(check_user_namespaces(context(host))) == [
        "problem  user-namespaces: user namespaces are disabled: user.max_user_namespaces is 0",
        "         fix: sudo sysctl -w user.max_user_namespaces=28633 "
        "(persist it in /etc/sysctl.d/)",
    ]


def test_debian_userns_clone_switch() -> None:
    host = rootless_host()
    host.files["/proc/sys/kernel/unprivileged_userns_clone"] = "0\n"
    assert shown(check_user_namespaces(context(host))) == [
        "problem  user-namespaces: unprivileged user namespaces are disabled: "
        "kernel.unprivileged_userns_clone is 0",
        "         fix: sudo sysctl -w kernel.unprivileged_userns_clone=1 "
        "(persist it in /etc/sysctl.d/)",
    ]


def test_apparmor_restriction_is_a_warning() -> None:
    host = rootless_host()
    host.files["/proc/sys/kernel/apparmor_restrict_unprivileged_userns"] = "1\n"
    (check,) = check_user_namespaces(context(host))
    assert check.status == "warning"
    assert check.message.startswith("AppArmor restricts unprivileged user namespaces")


def test_subuid_ok_shows_the_mapping() -> None:
    assert shown(check_subuid(context(rootless_host()))) == [
        "ok       subuid: alice: 100000-165535 (65536 IDs); container UID 0 is host UID 1000, "
        "1-65536 are host UIDs 100000-165535"
    ]
    assert shown(check_subgid(context(rootless_host()))) == [
        "ok       subgid: alice: 100000-165535 (65536 IDs)"
    ]


def test_subuid_missing_gives_a_free_range() -> None:
    host = rootless_host()
    host.files["/etc/subuid"] = "bob:165536:65536\n"
    assert shown(check_subuid(context(host))) == [
        'problem  subuid: no subuid ranges found for user "alice" in /etc/subuid: Podman maps '
        "only UID 1000 (a single mapping), which breaks images that own files as other users",
        "         fix: sudo usermod --add-subuids 231072-296607 alice, "
        "then `podman system migrate`",
    ]


def test_subgid_missing_uses_add_subgids() -> None:
    host = rootless_host()
    host.files["/etc/subgid"] = ""
    (check,) = check_subgid(context(host))
    assert check.status == "problem"
    assert check.fix == (
        "sudo usermod --add-subgids 231072-296607 alice, then `podman system migrate`"
    )


def test_subuid_too_small() -> None:
    host = rootless_host()
    host.files["/etc/subuid"] = "alice:100000:1000\n"
    assert shown(check_subuid(context(host))) == [
        "problem  subuid: alice has 1000 subuid IDs (100000-100999) in /etc/subuid; "
        "images need 65536",
        "         fix: sudo usermod --add-subuids 231072-296607 alice, "
        "then `podman system migrate`",
    ]


def test_subuid_overlapping_another_user() -> None:
    host = rootless_host()
    host.files["/etc/subuid"] = "alice:100000:65536\nbob:150000:65536\n"
    assert shown(check_subuid(context(host))) == [
        "problem  subuid: alice's range 100000-165535 overlaps bob's 150000-215535 in "
        "/etc/subuid: their containers share host IDs",
        "         fix: sudo usermod --del-subuids 100000-165535 alice; "
        "sudo usermod --add-subuids 231072-296607 alice, then `podman system migrate`",
    ]


def test_subuid_matched_by_numeric_uid() -> None:
    host = rootless_host()
    host.files["/etc/subuid"] = "1000:100000:65536\n"
    assert check_subuid(context(host))[0].status == "ok"


def test_getsubids_is_preferred_over_the_file() -> None:
    host = rootless_host()
    host.files["/etc/subuid"] = ""
    host.programs["getsubids"] = "/usr/bin/getsubids"
    host.commands[("/usr/bin/getsubids", "alice")] = CommandResult(0, "0: alice 300000 65536\n", "")
    assert shown(check_subuid(context(host)))[0].startswith(
        "ok       subuid: alice: 300000-365535 (65536 IDs)"
    )


def test_getsubids_failure_falls_back_to_the_file() -> None:
    host = rootless_host()
    host.programs["getsubids"] = "/usr/bin/getsubids"
    host.commands[("/usr/bin/getsubids", "-g", "alice")] = CommandResult(
        1, "", "Error fetching ranges\n"
    )
    assert check_subgid(context(host))[0].status == "ok"


def test_podman_still_using_a_single_mapping_is_a_warning() -> None:
    host = rootless_host()
    host.set_info("host", "idMappings", "uidmap", [{"container_id": 0, "host_id": 1000, "size": 1}])
    assert shown(check_subuid(context(host))) == [
        "warning  subuid: alice has 100000-165535 in /etc/subuid, but Podman's user namespace "
        "maps only 1 ID",
        "         fix: `podman system migrate` (it stops this user's containers; Podman then "
        "rereads /etc/subuid)",
    ]


def test_newuidmap_ok() -> None:
    assert shown(check_newuidmap(context(rootless_host()))) == [
        "ok       newuidmap: /usr/bin/newuidmap is setuid root"
    ]


def test_newgidmap_missing() -> None:
    host = rootless_host()
    del host.programs["newgidmap"]
    assert shown(check_newgidmap(context(host))) == [
        "problem  newgidmap: newgidmap is not installed: rootless Podman fails "
        '(exec: "newgidmap": executable file not found in $PATH)',
        "         fix: sudo apt-get install uidmap",
    ]


def test_newuidmap_without_setuid_or_capabilities() -> None:
    host = rootless_host()
    host.stats["/usr/bin/newuidmap"] = FileInfo(PROGRAM, 0)
    assert shown(check_newuidmap(context(host))) == [
        "problem  newuidmap: /usr/bin/newuidmap is neither setuid root nor has file "
        "capabilities: it cannot map IDs",
        "         fix: sudo chmod u+s /usr/bin/newuidmap (or reinstall uidmap)",
    ]


def test_newuidmap_with_file_capabilities() -> None:
    host = rootless_host()
    host.stats["/usr/bin/newuidmap"] = FileInfo(PROGRAM, 0)
    host.file_capabilities.add("/usr/bin/newuidmap")
    assert shown(check_newuidmap(context(host))) == [
        "ok       newuidmap: /usr/bin/newuidmap has file capabilities"
    ]


def test_setuid_but_not_owned_by_root_is_not_enough() -> None:
    host = rootless_host()
    host.stats["/usr/bin/newuidmap"] = FileInfo(stat.S_IFREG | 0o4755, 1000)
    assert check_newuidmap(context(host))[0].status == "problem"
