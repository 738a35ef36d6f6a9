"""A fake host for doctor's checks: every reading comes from plain dictionaries."""

from __future__ import annotations

import json
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from composer.doctor.check import Check
from composer.doctor.context import Context
from composer.doctor.host import CommandResult, FileInfo, Identity, SocketCandidate
from composer.doctor.report import text_lines
from composer.doctor.runner import Report

PODMAN = "/usr/bin/podman"
DIRECTORY = stat.S_IFDIR | 0o755
PRIVATE_DIRECTORY = stat.S_IFDIR | 0o700
CHAR_DEVICE = stat.S_IFCHR | 0o666
SETUID_PROGRAM = stat.S_IFREG | 0o4755
PROGRAM = stat.S_IFREG | 0o755
V2_MOUNTINFO = "30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw\n"
HYBRID_MOUNTINFO = (
    "31 23 0:28 / /sys/fs/cgroup rw,relatime shared:7 - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:8 - cgroup cgroup rw,cpu\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime shared:15 - cgroup cgroup rw,pids\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:17 - cgroup2 cgroup2 rw\n"
)
V1_MOUNTINFO = "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:8 - cgroup cgroup rw,cpu\n"
CAPABILITIES = "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_NET_RAW,CAP_SETUID,CAP_SETGID"
ALICE = Identity(1000, 1000, "alice", "/home/alice")
ROOT = Identity(0, 0, "root", "/root")


def podman_info(rootless: bool, uid: int) -> dict[str, Any]:
    """`podman info` of a healthy host: cgroups v2, crun, overlay."""
    mapping = [
        {"container_id": 0, "host_id": uid, "size": 1},
        {"container_id": 1, "host_id": 100000, "size": 65536},
    ]
    return {
        "host": {
            "cgroupManager": "systemd",
            "cgroupVersion": "v2",
            "ociRuntime": {"name": "crun"},
            "security": {"rootless": rootless, "capabilities": CAPABILITIES},
            "slirp4netns": {"executable": "/usr/bin/slirp4netns"},
            "idMappings": {"uidmap": mapping, "gidmap": mapping} if rootless else {},
        },
        "store": {"graphDriverName": "overlay", "graphOptions": {}},
        "version": {"Version": "4.3.1"},
    }


@dataclass
class FakeHost:
    """A host described by data; `written` records what --fix wrote."""

    user: Identity = ALICE
    environ: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    stats: dict[str, FileInfo] = field(default_factory=dict)
    programs: dict[str, str] = field(default_factory=dict)
    commands: dict[tuple[str, ...], CommandResult] = field(default_factory=dict)
    accessible: set[str] = field(default_factory=set)
    file_capabilities: set[str] = field(default_factory=set)
    rlimits: dict[str, tuple[int, int]] = field(default_factory=dict)
    candidates: list[SocketCandidate] = field(default_factory=list)
    answering: set[str] = field(default_factory=set)
    info: dict[str, Any] | None = None
    info_error: str = ""
    version: str = "4.3.1"
    written: dict[str, str] = field(default_factory=dict)
    ran: list[tuple[str, ...]] = field(default_factory=list)

    def identity(self) -> Identity:
        return self.user

    def read_text(self, path: str) -> str | None:
        return self.files.get(path)

    def listdir(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        return sorted(
            name[len(prefix) :]
            for name in self.files
            if name.startswith(prefix) and "/" not in name[len(prefix) :]
        )

    def stat(self, path: str) -> FileInfo | None:
        if path in self.stats:
            return self.stats[path]
        if path in self.files:
            return FileInfo(stat.S_IFREG | 0o644, 0)
        return None

    def access(self, path: str, mode: int) -> bool:
        return path in self.accessible

    def has_file_capabilities(self, path: str) -> bool:
        return path in self.file_capabilities

    def which(self, name: str) -> str | None:
        return self.programs.get(name)

    def run(self, argv: Sequence[str]) -> CommandResult:
        key = tuple(argv)
        self.ran.append(key)
        if key == (PODMAN, "--version"):
            return CommandResult(0, f"podman version {self.version}\n", "")
        if key == (PODMAN, "info", "--format", "json"):
            if self.info_error or self.info is None:
                return CommandResult(125, "", f"Error: {self.info_error}\n")
            return CommandResult(0, json.dumps(self.info), "")
        return self.commands.get(key, CommandResult(127, "", f"not faked: {key}"))

    def getrlimit(self, name: str) -> tuple[int, int] | None:
        return self.rlimits.get(name)

    def socket_candidates(self, podman: str | None) -> list[SocketCandidate]:
        return list(self.candidates)

    def ping(self, url: str) -> bool:
        return url in self.answering

    def write_text(self, path: str, content: str) -> None:
        self.files[path] = content
        self.written[path] = content

    def set_info(self, *keys_and_value: Any) -> None:
        """set_info("host", "ociRuntime", "name", "runc"): change one podman info value."""
        assert self.info is not None
        *keys, last, value = keys_and_value
        node = self.info
        for key in keys:
            node = node.setdefault(key, {})
        node[last] = value


def _common(host: FakeHost) -> FakeHost:
    host.files.update(
        {
            "/proc/self/mountinfo": V2_MOUNTINFO,
            "/proc/sys/kernel/pid_max": "4194304\n",
            "/proc/sys/kernel/osrelease": "6.1.0-18-amd64\n",
            "/proc/sys/net/ipv4/ping_group_range": "0\t2147483647\n",
            "/proc/sys/net/ipv4/ip_unprivileged_port_start": "1024\n",
            "/proc/self/status": "Name:\tpython3\nCapEff:\t0000000000000000\n",
            "/usr/share/containers/containers.conf": "[containers]\n[engine]\n",
            "/etc/containers/registries.conf": 'unqualified-search-registries = ["docker.io"]\n',
        }
    )
    host.programs.update(
        {
            "podman": PODMAN,
            "runc": "/usr/bin/runc",
            "crun": "/usr/bin/crun",
            "apt-get": "/usr/bin/apt-get",
        }
    )
    host.stats["/run/systemd/system"] = FileInfo(DIRECTORY, 0)
    host.rlimits.update({"nofile": (1024, 524288), "nproc": (63000, 63000)})
    return host


def rootless_host() -> FakeHost:
    """alice (uid 1000) on a healthy host: nothing for doctor to complain about."""
    host = FakeHost(user=ALICE, info=podman_info(True, ALICE.uid))
    host.environ.update({"XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/alice"})
    host.files.update(
        {
            "/etc/subuid": "alice:100000:65536\nbob:165536:65536\n",
            "/etc/subgid": "alice:100000:65536\nbob:165536:65536\n",
            "/proc/sys/user/max_user_namespaces": "63000\n",
        }
    )
    host.programs.update(
        {
            "newuidmap": "/usr/bin/newuidmap",
            "newgidmap": "/usr/bin/newgidmap",
            "slirp4netns": "/usr/bin/slirp4netns",
        }
    )
    host.stats.update(
        {
            "/run/user/1000": FileInfo(PRIVATE_DIRECTORY, 1000),
            "/run/user/1000/bus": FileInfo(stat.S_IFSOCK | 0o666, 1000),
            "/usr/bin/newuidmap": FileInfo(SETUID_PROGRAM, 0),
            "/usr/bin/newgidmap": FileInfo(SETUID_PROGRAM, 0),
            "/dev/net/tun": FileInfo(CHAR_DEVICE, 0),
            "/var/lib/systemd/linger/alice": FileInfo(stat.S_IFREG | 0o644, 0),
        }
    )
    host.accessible.add("/dev/net/tun")
    host.candidates = [
        SocketCandidate("unix:///run/user/1000/podman/podman.sock", "XDG_RUNTIME_DIR"),
        SocketCandidate("unix:///run/user/1000/composer/podman.sock", "composer's own service"),
    ]
    return _common(host)


def root_host() -> FakeHost:
    """root on a healthy host; it may raise hard limits (CAP_SYS_RESOURCE)."""
    host = _common(FakeHost(user=ROOT, info=podman_info(False, 0)))
    host.environ.update({"HOME": "/root"})
    host.files["/proc/self/status"] = "Name:\tpython3\nCapEff:\t000001ffffffffff\n"
    host.candidates = [
        SocketCandidate("unix:///run/podman/podman.sock", "the rootful Podman socket"),
        SocketCandidate("unix:///run/composer/podman.sock", "composer's own service"),
    ]
    return host


def context(host: FakeHost, podman_url: str | None = None) -> Context:
    return Context(host, podman_url)


def shown(checks: list[Check]) -> list[str]:
    """The lines doctor prints for these checks (without the summary)."""
    return text_lines(Report(checks))[:-1]
