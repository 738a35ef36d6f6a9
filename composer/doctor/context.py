"""The facts checks share, read once per run: who we are, Podman's version and `podman info`."""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from composer.doctor import conf
from composer.doctor.host import Host, Identity

MINIMUM_PODMAN = (4, 3)
# Debian package name -> the Fedora/RHEL one, where they differ.
FEDORA_PACKAGES = {"uidmap": "shadow-utils"}
_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class PodmanInfo:
    """`podman info --format json`, or why it failed."""

    data: dict[str, Any] | None
    error: str | None = None

    def get(self, *keys: str) -> Any:
        node: Any = self.data
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node


def parse_version(text: str) -> tuple[int, int, int] | None:
    found = _VERSION.search(text)
    if found is None:
        return None
    major, minor, patch = found.groups()
    return int(major), int(minor), int(patch or 0)


def version_text(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def cgroup_layout(mountinfo: str) -> str:
    """`v2` (unified), `hybrid` (v1 controllers plus cgroup2 beside them), `v1`, or `none`."""
    v1 = False
    v2_at: set[str] = set()
    for line in mountinfo.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        fstype = line.split(" - ", 1)[1].split()[0]
        if fstype == "cgroup2":
            v2_at.add(fields[4])
        elif fstype == "cgroup":
            v1 = True
    if "/sys/fs/cgroup" in v2_at:
        return "v2"
    if v1:
        return "hybrid" if v2_at else "v1"
    return "v2" if v2_at else "none"


class Context:
    """Readings shared by the checks; each is taken the first time a check asks for it."""

    def __init__(self, host: Host, podman_url: str | None = None) -> None:
        self.host = host
        self.podman_url = podman_url

    @cached_property
    def who(self) -> Identity:
        return self.host.identity()

    @property
    def rootless(self) -> bool:
        return not self.who.is_root

    @cached_property
    def podman(self) -> str | None:
        return self.host.which("podman")

    @cached_property
    def version(self) -> tuple[int, int, int] | None:
        if self.podman is None:
            return None
        done = self.host.run([self.podman, "--version"])
        return parse_version(done.stdout) if done.returncode == 0 else None

    @cached_property
    def info(self) -> PodmanInfo:
        if self.podman is None:
            return PodmanInfo(None, "podman is not installed")
        done = self.host.run([self.podman, "info", "--format", "json"])
        if done.returncode != 0:
            return PodmanInfo(None, last_line(done.stderr) or f"exit code {done.returncode}")
        try:
            data = json.loads(done.stdout)
        except json.JSONDecodeError:
            return PodmanInfo(None, "its output is not JSON")
        return PodmanInfo(data if isinstance(data, dict) else None)

    @cached_property
    def containers_conf(self) -> conf.ConfLayers:
        return conf.load_containers_conf(self.host, self.who)

    @cached_property
    def registries(self) -> conf.Registries:
        return conf.load_registries(self.host, self.who)

    @cached_property
    def cgroups(self) -> str:
        return cgroup_layout(self.host.read_text("/proc/self/mountinfo") or "")

    @cached_property
    def systemd_is_init(self) -> bool:
        """systemd runs as PID 1 (it creates /run/systemd/system at boot)."""
        return self.is_dir("/run/systemd/system")

    @cached_property
    def can_raise_limits(self) -> bool:
        """Root with CAP_SYS_RESOURCE may raise hard limits; nobody else can."""
        if not self.who.is_root:
            return False
        status = self.host.read_text("/proc/self/status") or ""
        for line in status.splitlines():
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> 24 & 1)  # CAP_SYS_RESOURCE is 24
        return False

    def has_user_session(self) -> bool:
        """A systemd user session answers (its D-Bus socket), as `systemctl --user` needs."""
        if self.host.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return True
        runtime_dir = self.host.environ.get("XDG_RUNTIME_DIR", "")
        return bool(runtime_dir) and self.host.stat(f"{runtime_dir}/bus") is not None

    def sysctl(self, name: str) -> str | None:
        text = self.host.read_text("/proc/sys/" + name.replace(".", "/"))
        return None if text is None else text.strip()

    def is_dir(self, path: str) -> bool:
        found = self.host.stat(path)
        return found is not None and stat.S_ISDIR(found.mode)

    def as_root(self, command: str) -> str:
        """A command line that needs root, as this user would type it."""
        return command if self.who.is_root else f"sudo {command}"

    def install_command(self, package: str) -> str:
        if self.host.which("apt-get"):
            return self.as_root(f"apt-get install {package}")
        if self.host.which("dnf"):
            return self.as_root(f"dnf install {FEDORA_PACKAGES.get(package, package)}")
        return f"install {package} with the system's package manager"
