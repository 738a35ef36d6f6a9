"""A systemd "machine" for tests: systemd as PID 1 in a privileged container, Podman inside.

How it leaves the host alone (docs/development.md, "Units under a real systemd"): the
container gets a private cgroup namespace and `--systemd=false`, so runc gives it a tmpfs of
its own at /sys/fs/cgroup with each controller mounted at the container's own cgroup. With
`--systemd=always` Podman would bind the host's whole name=systemd hierarchy over it, and the
inner systemd would create its cgroups at the host's root. The host's /sys/fs/cgroup is never
mounted into it. `host_cgroups()` is what the tests compare before and after.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.conftest import Podman, run

SYSTEMD_IMAGE = "localhost/composer/systemd:bookworm"
BOOT_TIMEOUT = 90.0


def host_cgroups() -> tuple[list[str], list[str]]:
    """The host's cgroup mounts (from /proc/self/mountinfo) and what /sys/fs/cgroup holds."""
    mounts = [
        line for line in Path("/proc/self/mountinfo").read_text().splitlines() if "cgroup" in line
    ]
    return mounts, sorted(os.listdir("/sys/fs/cgroup"))


def box_argv(
    name: str, project: str, ports: list[int], read_only: tuple[Path, ...] = ()
) -> list[str]:
    """`podman run` for the systemd container (the recipe docs/development.md gives).

    `read_only` directories of the host appear at the same paths, read-only (the checkout).
    """
    published = [arg for port in ports for arg in ("-p", f"127.0.0.1:{port}:{port}")]
    published += [arg for path in read_only for arg in ("-v", f"{path}:{path}:ro")]
    return [
        "podman", "run", "--detach", "--name", name,
        # the project's label: the project_name fixture removes the box if a test leaks it
        "--label", f"com.docker.compose.project={project}",
        "--privileged", "--systemd=false", "--cgroupns=private",
        "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
        "--env", "container=podman", "--stop-signal", "SIGRTMIN+3", "--stop-timeout", "60",
        *published,
        SYSTEMD_IMAGE, "/sbin/init",
    ]  # fmt: skip


@dataclass
class SystemdBox:
    """One running systemd container; `sh()` runs a command line in it."""

    name: str
    podman: Podman

    def exec(
        self, *argv: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return self.podman("exec", self.name, *argv, check=check, timeout=timeout)

    def systemctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.exec("systemctl", "--no-pager", *args, check=check)

    def reboot(self) -> None:
        """Stop the container (systemd shuts down as on a reboot) and start it again."""
        self.podman("restart", "--time", "120", self.name, timeout=300)
        self.wait_running()

    def wait_running(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        state = ""
        while time.monotonic() < deadline:
            state = self.systemctl("is-system-running", check=False).stdout.strip()
            if state in ("running", "degraded"):
                break
            time.sleep(0.5)
        if state != "running":
            failed = self.systemctl("--failed", check=False).stdout
            pytest.fail(f"systemd in {self.name} is {state!r}:\n{failed}", pytrace=False)

    def copy_in(self, source: Path, target: str) -> None:
        self.exec("mkdir", "-p", target)
        self.podman("cp", f"{source}/.", f"{self.name}:{target}")

    def load_image(self, image: str, scratch: Path) -> None:
        """Give the Podman inside an image of the host's (no registry is contacted)."""
        archive = scratch / "image.tar"
        self.podman("save", "--quiet", "--format", "oci-archive", "-o", str(archive), image)
        self.podman("cp", str(archive), f"{self.name}:/root/image.tar")
        self.exec("podman", "load", "--quiet", "-i", "/root/image.tar")
        self.exec("rm", "-f", "/root/image.tar")
        archive.unlink()

    def active_states(self, units: list[str]) -> dict[str, str]:
        done = self.systemctl("is-active", *units, check=False)
        return dict(zip(units, done.stdout.split(), strict=True))

    def wait_inactive(self, units: list[str], timeout: float = 120) -> dict[str, str]:
        """`systemctl stop X.target` returns before its units have stopped: wait for them."""
        deadline = time.monotonic() + timeout
        states = self.active_states(units)
        while time.monotonic() < deadline:
            states = self.active_states(units)
            if all(state in ("inactive", "failed") for state in states.values()):
                break
            time.sleep(0.5)
        return states


def start_box(
    podman: Podman, name: str, project: str, ports: list[int], read_only: tuple[Path, ...] = ()
) -> SystemdBox:
    run(box_argv(name, project, ports, read_only))
    box = SystemdBox(name, podman)
    box.wait_running()
    return box


def remove_box(podman: Podman, name: str) -> None:
    podman("stop", "--time", "60", name, check=False, timeout=120)
    podman("rm", "--force", name, check=False)
