"""`composer doctor` on the real machine: healthy as set up, and with each condition broken."""

from __future__ import annotations

import os
import pwd
import resource
import shutil
import signal
import stat
import struct
import subprocess
import sys
import sysconfig
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.conftest import Podman, TestUser, missing, run

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"
RUN_COMPOSER = "import sys; from composer.cli import main; sys.argv[0] = 'composer'; main()"
TUN = "/dev/net/tun"
ACL_XATTR = "system.posix_acl_access"


def composer_argv() -> list[str]:
    return [str(Path(sys.executable).parent / "composer")]


def lines_of(output: str) -> list[str]:
    return output.splitlines()


def problem_lines(output: str) -> list[str]:
    return [line for line in lines_of(output) if line.startswith("problem")]


def cgroup_layout() -> str:
    mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    types = {(line.split()[4], line.split(" - ")[1].split()[0]) for line in mounts}
    if ("/sys/fs/cgroup", "cgroup2") in types:
        return "v2"
    has_v1 = any(fstype == "cgroup" for _, fstype in types)
    has_v2 = any(fstype == "cgroup2" for _, fstype in types)
    return "hybrid" if has_v1 and has_v2 else "v1"


def can_raise_limits() -> bool:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapEff:"):
            return bool(int(line.split()[1], 16) >> 24 & 1)
    return False


def next_free_subid() -> int:
    ends = [100000]
    for path in ("/etc/subuid", "/etc/subgid"):
        for line in Path(path).read_text().splitlines():
            parts = line.split(":")
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                ends.append(int(parts[1]) + int(parts[2]))
    return max(ends)


# --- the healthy machine ---------------------------------------------------------------------


def test_healthy_machine_has_no_problems_as_root(tmp_path: Path) -> None:
    result = run([*composer_argv(), "doctor"], cwd=tmp_path, check=False)
    assert problem_lines(result.stdout) == []
    assert result.returncode == 0
    assert lines_of(result.stdout)[-1].startswith("no problems, ")
    assert "ok       user: root: rootful Podman" in result.stdout
    report = run([*composer_argv(), "doctor", "--format", "json"], cwd=tmp_path).stdout
    assert '"problems": 0' in report


def test_healthy_machine_has_no_problems_for_the_test_user(
    test_user: TestUser, user_workdir: Path
) -> None:
    argv = test_user.argv(str(test_user.venv / "bin" / "composer"), "doctor")
    result = run(argv, cwd=user_workdir, check=False)
    assert problem_lines(result.stdout) == []
    assert result.returncode == 0
    assert f"ok       user: {test_user.name} (uid {test_user.uid}): rootless Podman" in (
        result.stdout
    )
    assert f"ok       subuid: {test_user.name}: " in result.stdout


# --- conditions root can break for itself --------------------------------------------------


def runtime_name() -> str:
    return run(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"]).stdout.strip()


def test_ulimit_above_the_hard_limit_in_a_compose_file(tmp_path: Path, busybox_image: str) -> None:
    if can_raise_limits():
        missing("root can raise hard limits here, so no ulimit is too high")
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        missing("RLIMIT_NOFILE is unlimited")
    too_high = hard + 1
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {busybox_image}\n    ulimits:\n"
        f"      nofile:\n        soft: 1024\n        hard: {too_high}\n      nproc: 100\n"
    )
    error = (
        "setrlimit `RLIMIT_NOFILE`: Operation not permitted"
        if runtime_name() == "crun"
        else "error setting rlimit type 7: operation not permitted"
    )
    result = run([*composer_argv(), "-f", "compose.yaml", "doctor"], cwd=tmp_path, check=False)
    assert result.returncode == 1
    assert problem_lines(result.stdout) == [
        "problem  project-ulimits: compose.yaml:5: services.web.ulimits.nofile: "
        f"nofile=1024:{too_high} is above this host's hard limit {hard}: the container fails "
        f'with "{error}"'
    ]
    fix = (
        f"         fix: lower it to at most {hard}, or raise the hard limit "
        "(/etc/security/limits.d/, or LimitNOFILE= in a unit)"
    )
    assert fix in lines_of(result.stdout)
    # What doctor predicts is what Podman does.
    attempt = run(
        ["podman", "run", "--rm", "--ulimit", f"nofile=1024:{too_high}", "--ulimit", "nproc=100"]
        + [busybox_image, "true"],
        check=False,
    )
    assert attempt.returncode != 0
    assert error in attempt.stderr


def test_crun_chosen_by_containers_conf_on_hybrid_cgroups(tmp_path: Path) -> None:
    if cgroup_layout() != "hybrid":
        missing("this machine's cgroups are not hybrid")
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\nruntime = "crun"\n')
    env = {**os.environ, "CONTAINERS_CONF": str(conf)}
    result = run([*composer_argv(), "doctor"], cwd=tmp_path, env=env, check=False)
    assert result.returncode == 1
    not_installed = "" if shutil.which("crun") else "; crun is not installed either"
    lines = lines_of(result.stdout)
    line = lines.index(
        f'problem  oci-runtime: crun (from {conf}) refuses hybrid cgroups ("crun: cgroups in '
        'hybrid mode not supported, drop all controllers from cgroupv2"); runc works with them'
        f"{not_installed}"
    )
    assert lines[line + 1] == (
        f'         fix: set runtime = "runc" under [engine] in {conf} (CONTAINERS_CONF names it, '
        "so Podman ignores drop-in files)"
    )
    assert f"ok       containers-conf: CONTAINERS_CONF={conf}: Podman reads this file only" in (
        result.stdout
    )


def test_low_published_port_for_the_test_user(
    test_user: TestUser, user_workdir: Path, user_podman: Podman, user_busybox_image: str
) -> None:
    start = int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    if start <= 80:
        missing("port 80 is not privileged here")
    compose = user_workdir / "compose.yaml"
    compose.write_text(
        f"services:\n  web:\n    image: {user_busybox_image}\n    ports: ['80:80']\n"
    )
    os.chown(compose, test_user.uid, -1)
    argv = test_user.argv(str(test_user.venv / "bin" / "composer"), "-f", "compose.yaml", "doctor")
    result = run(argv, cwd=user_workdir, check=False)
    assert result.returncode == 1
    assert problem_lines(result.stdout) == [
        "problem  project-ports: compose.yaml:4: services.web.ports[0]: published port 80 is "
        f"below net.ipv4.ip_unprivileged_port_start ({start}): rootless Podman fails "
        '("rootlessport cannot expose privileged port 80")'
    ]
    name = f"doctor-port-{uuid.uuid4().hex[:6]}"
    attempt = user_podman(
        "run",
        "--rm",
        "--name",
        name,
        "-p",
        "127.0.0.1:80:80",
        user_busybox_image,
        "true",
        check=False,
    )
    user_podman("rm", "--force", "--ignore", name, check=False)
    assert "rootlessport cannot expose privileged port 80" in attempt.stderr


# --- a fresh user with nothing set up --------------------------------------------------------


@dataclass(frozen=True)
class FreshUser:
    """A user made for these tests: no subordinate IDs, composer from the checkout."""

    name: str
    uid: int
    gid: int
    home: Path

    @property
    def runtime_dir(self) -> Path:
        return Path(f"/run/user/{self.uid}")

    def argv(self, *command: str) -> list[str]:
        # env -i: nothing from root's environment leaks into the user's run.
        python_path = f"{REPO}:{sysconfig.get_paths()['purelib']}"
        return [
            "runuser", "-u", self.name, "--", "env", "-i",
            f"HOME={self.home}", f"USER={self.name}", f"LOGNAME={self.name}",
            f"XDG_RUNTIME_DIR={self.runtime_dir}", "PATH=/usr/local/bin:/usr/bin:/bin",
            f"PYTHONPATH={python_path}", "LANG=C.UTF-8", *command,
        ]  # fmt: skip

    def doctor(self, *args: str) -> subprocess.CompletedProcess[str]:
        argv = self.argv(SYSTEM_PYTHON, "-c", RUN_COMPOSER, "doctor", *args)
        return run(argv, cwd=self.home, check=False)


def _require_runnable_checkout() -> None:
    """The user runs Debian's python on this checkout and the test venv's packages."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        missing(f"{SYSTEM_PYTHON} is missing")
    version = run([SYSTEM_PYTHON, "-c", "import sys; print(sys.version_info[:2])"]).stdout
    if version.strip() != str(tuple(sys.version_info[:2])):
        missing(f"{SYSTEM_PYTHON} is not Python {sys.version_info[0]}.{sys.version_info[1]}")
    for path in (REPO, Path(sysconfig.get_paths()["purelib"])):
        if not all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents)):
            missing(f"{path} is not readable by other users")


def _end_processes_of(uid: int) -> None:
    """Podman leaves a pause process per user; end what runs as the user (zombies cannot)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith("Z"):
            with suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)


def _remove_user(user: FreshUser) -> None:
    _end_processes_of(user.uid)
    run(["userdel", "--remove", "--force", user.name], check=False)
    for leftover in (
        user.runtime_dir,
        Path(f"/tmp/podman-run-{user.uid}"),
        Path(f"/tmp/containers-user-{user.uid}"),
        Path(f"/tmp/composer-{user.uid}"),
    ):
        shutil.rmtree(leftover, ignore_errors=True)


@pytest.fixture(scope="module")
def fresh_user(root_podman: Podman) -> Iterator[FreshUser]:
    _require_runnable_checkout()
    name = f"composer-doc-{uuid.uuid4().hex[:6]}"
    # SUB_UID_COUNT=0: useradd must not hand out a range; the user is to have none.
    run(
        ["useradd", "--create-home", "--user-group", "--shell", "/bin/sh",
         "-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0", name]
    )  # fmt: skip
    entry = pwd.getpwnam(name)
    user = FreshUser(name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))
    try:
        user.runtime_dir.mkdir(mode=0o700)
        os.chown(user.runtime_dir, user.uid, user.gid)
        yield user
    finally:
        _remove_user(user)
    assert name not in Path("/etc/passwd").read_text()
    assert name not in Path("/etc/subuid").read_text()


def test_user_without_subordinate_ids(fresh_user: FreshUser) -> None:
    start = next_free_subid()
    result = fresh_user.doctor()
    assert result.returncode == 1
    lines = lines_of(result.stdout)
    name, uid, gid = fresh_user.name, fresh_user.uid, fresh_user.gid
    for kind, ids, number in (("subuid", "UID", uid), ("subgid", "GID", gid)):
        line = lines.index(
            f'problem  {kind}: no {kind} ranges found for user "{name}" in /etc/{kind}: Podman '
            f"maps only {ids} {number} (a single mapping), which breaks images that own files "
            "as other users"
        )
        assert lines[line + 1] == (
            f"         fix: sudo usermod --add-{kind}s {start}-{start + 65535} {name}, then "
            "`podman system migrate`"
        )
    # Podman agrees: its user namespace maps this one user only.
    uid_map = run(fresh_user.argv("podman", "unshare", "cat", "/proc/self/uid_map")).stdout
    assert uid_map.split() == ["0", str(uid), "1"]


@contextmanager
def tun_denied_to(uid: int) -> Iterator[None]:
    """An ACL that takes /dev/net/tun away from one user only; everyone else keeps it."""
    info = os.stat(TUN)
    mode = stat.S_IMODE(info.st_mode)
    if ACL_XATTR in os.listxattr(TUN):
        missing(f"{TUN} already carries an ACL")
    group = mode >> 3 & 7
    entries = [
        (0x01, mode >> 6 & 7, 0xFFFFFFFF),  # owner
        (0x02, 0, uid),  # this user: nothing
        (0x04, group, 0xFFFFFFFF),  # owning group
        (0x10, group | 6, 0xFFFFFFFF),  # mask
        (0x20, mode & 7, 0xFFFFFFFF),  # others
    ]
    acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)
    os.setxattr(TUN, ACL_XATTR, acl)
    try:
        yield
    finally:
        os.removexattr(TUN, ACL_XATTR)
        os.chmod(TUN, mode)


def test_tun_unusable_by_the_user(fresh_user: FreshUser) -> None:
    if not os.path.exists(TUN):
        missing(f"{TUN} is missing")
    with tun_denied_to(fresh_user.uid):
        result = fresh_user.doctor()
        can_open = run(fresh_user.argv("test", "-w", TUN), check=False).returncode == 0
    assert not can_open
    lines = lines_of(result.stdout)
    line = lines.index(
        f"problem  tun: {TUN} is not readable and writable by {fresh_user.name}: rootless "
        "networking (slirp4netns) cannot start"
    )
    assert lines[line + 1] == f"         fix: sudo chmod 0666 {TUN}"
    after = fresh_user.doctor()
    assert f"ok       tun: {TUN} is readable and writable by {fresh_user.name}" in after.stdout


def test_fix_writes_the_users_runtime_dropin(fresh_user: FreshUser) -> None:
    if cgroup_layout() != "hybrid":
        missing("this machine's cgroups are not hybrid")
    if shutil.which("runc") is None:
        missing("runc is not installed")
    config = fresh_user.home / ".config" / "containers"
    user_conf = config / "containers.conf"
    dropin = config / "containers.conf.d" / "50-composer-runtime.conf"
    run(fresh_user.argv("mkdir", "-p", str(config)))
    run(fresh_user.argv("sh", "-c", f"printf '[engine]\\nruntime = \"crun\"\\n' > {user_conf}"))
    try:
        not_installed = "" if shutil.which("crun") else "; crun is not installed either"
        before = lines_of(fresh_user.doctor().stdout)
        line = before.index(
            f'problem  oci-runtime: crun (from {user_conf}) refuses hybrid cgroups ("crun: '
            'cgroups in hybrid mode not supported, drop all controllers from cgroupv2"); runc '
            f"works with them{not_installed}"
        )
        assert before[line + 1] == (
            f'         fix: `composer doctor --fix` writes {dropin} ([engine] runtime = "runc")'
        )
        assert not dropin.exists()
        fixed = lines_of(fresh_user.doctor("--fix").stdout)
        assert fixed[0] == f'fixed    oci-runtime: wrote {dropin} ([engine] runtime = "runc")'
        assert f"ok       oci-runtime: runc (from {dropin}) works with hybrid cgroups" in fixed
        assert dropin.read_text() == '[engine]\nruntime = "runc"\n'
        # Written by the user itself: the fix needs no root.
        assert dropin.stat().st_uid == fresh_user.uid
    finally:
        shutil.rmtree(config, ignore_errors=True)
