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
SHUTDOWN_LIMIT = 45  # the units' own stop timeouts are 70 s: a hang shows beyond this


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


@dataclass(frozen=True)
class BoxUser:
    name: str
    uid: int


@dataclass
class SystemdBox:
    """One running systemd container; `sh()` runs a command line in it."""

    name: str
    podman: Podman

    def exec(
        self, *argv: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return self.podman("exec", self.name, *argv, check=check, timeout=timeout)

    def systemctl(
        self, *args: str, check: bool = True, user: BoxUser | None = None
    ) -> subprocess.CompletedProcess[str]:
        scope = ["--user"] if user else []
        argv = self.as_user(user, "systemctl", *scope, "--no-pager", *args)
        return self.exec(*argv, check=check)

    def reboot(self) -> None:
        """Stop the container (systemd shuts down as on a reboot) and start it again.

        A unit that hangs on stop makes systemd wait for its timeout: a shutdown that took
        longer than SHUTDOWN_LIMIT is a failure, not just slow.
        """
        began = time.monotonic()
        self.podman("stop", "--time", str(SHUTDOWN_LIMIT + 30), self.name, timeout=300)
        took = time.monotonic() - began
        if took > SHUTDOWN_LIMIT:
            pytest.fail(f"systemd in {self.name} took {took:.0f}s to shut down", pytrace=False)
        self.podman("start", self.name)
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

    def load_image(self, image: str, scratch: Path, user: BoxUser | None = None) -> None:
        """Give the Podman inside (root's, or `user`'s) an image of the host's (no registry)."""
        archive = scratch / "image.tar"
        self.podman("save", "--quiet", "--format", "oci-archive", "-o", str(archive), image)
        self.podman("cp", str(archive), f"{self.name}:/var/tmp/image.tar")
        self.exec("chmod", "0644", "/var/tmp/image.tar")
        self.exec(*self.as_user(user, "podman", "load", "--quiet", "-i", "/var/tmp/image.tar"))
        self.exec("rm", "-f", "/var/tmp/image.tar")
        archive.unlink()

    def add_user(self, name: str) -> BoxUser:
        """An ordinary user with lingering on: its own systemd runs, now and at every boot."""
        self.exec("useradd", "--create-home", name)
        uid = int(self.exec("id", "-u", name).stdout)
        self.exec("loginctl", "enable-linger", name)
        deadline = time.monotonic() + BOOT_TIMEOUT
        while self.systemctl("is-active", f"user@{uid}.service", check=False).returncode:
            if time.monotonic() > deadline:
                pytest.fail(f"the systemd of {name} did not start in {self.name}", pytrace=False)
            time.sleep(0.5)
        return BoxUser(name, uid)

    @staticmethod
    def as_user(user: BoxUser | None, *argv: str) -> list[str]:
        """`argv` as `user` (with the session's runtime directory), or as root."""
        if user is None:
            return list(argv)
        return [
            "runuser", "-u", user.name, "--", "env", f"HOME=/home/{user.name}",
            f"XDG_RUNTIME_DIR=/run/user/{user.uid}", "PATH=/usr/local/bin:/usr/bin:/bin", *argv,
        ]  # fmt: skip

    def active_states(self, units: list[str], user: BoxUser | None = None) -> dict[str, str]:
        done = self.systemctl("is-active", *units, check=False, user=user)
        return dict(zip(units, done.stdout.split(), strict=True))

    def wait_inactive(
        self, units: list[str], timeout: float = 120, user: BoxUser | None = None
    ) -> dict[str, str]:
        """`systemctl stop X.target` returns before its units have stopped: wait for them."""
        deadline = time.monotonic() + timeout
        states = self.active_states(units, user)
        while time.monotonic() < deadline:
            states = self.active_states(units, user)
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
