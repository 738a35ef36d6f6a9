"""The units `composer systemd` writes, run by a real systemd (PID 1 in a container).

The box has only the unit files, the project directory and the image: no composer, no
earlier `up`. `systemctl start <project>.target` must bring the project up (a port answers
on the host's 127.0.0.1), `systemctl stop` must leave nothing of it running, and a second
start must find the data written before, in a named volume and in a bind mount. The host's
cgroup mounts must be the same afterwards.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, missing
from tests.integration.systemd_box import (
    SYSTEMD_IMAGE,
    BoxUser,
    SystemdBox,
    host_cgroups,
    remove_box,
    start_box,
)
from tests.integration.updown import when

COMPOSE = """\
services:
  seed:
    image: {image}
    command:
      - sh
      - -c
      - >-
        test -f /data/index.html || echo vol-$$RANDOM$$RANDOM > /data/index.html;
        test -f /site/index.html || echo bind-$$RANDOM$$RANDOM > /site/index.html
    volumes: ["pages:/data", "./site:/site"]
  check:
    image: {image}
    command: ["sh", "-c", "touch /tmp/ready; exec sleep 100000"]
    init: true
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 2s
      timeout: 2s
      retries: 10
  web:
    image: {image}
    command: ["httpd", "-f", "-p", "{port}", "-h", "/www"]
    init: true
    restart: always
    ports: ["{port}:{port}"]
    volumes: ["pages:/www/vol:ro", "./site:/www/bind:ro"]
    depends_on:
      seed: {{condition: service_completed_successfully}}
      check: {{condition: service_healthy}}
volumes:
  pages: {{}}
"""
TOKEN = re.compile(r"^(vol|bind)-\d+$")
REPO = Path(__file__).resolve().parents[2]
COMPOSER = Path(sys.executable).parent / "composer"


@pytest.fixture
def cgroups_unchanged() -> Iterator[None]:
    """The host's cgroup mounts and /sys/fs/cgroup: compared after the test."""
    before = host_cgroups()
    yield
    after = host_cgroups()
    assert after == before, "the host's cgroup mounts changed: stop and repair the host"


@pytest.fixture
def project_dir() -> Iterator[Path]:
    """Outside /tmp, which is a tmpfs in the box: the box gets a copy at the same path."""
    path = Path(tempfile.mkdtemp(prefix="composer-systemd-", dir="/var/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def systemd_box(
    root_podman: Podman, project_name: str, free_port: Callable[[], int]
) -> Iterator[tuple[SystemdBox, int]]:
    """The box, with the checkout (and its .venv) read-only at the same path."""
    if not root_podman.image_exists(SYSTEMD_IMAGE):
        missing(f"image {SYSTEMD_IMAGE} is missing")
    port = free_port()
    name = f"composer-systemd-box-{uuid.uuid4().hex[:8]}"
    try:
        box = start_box(root_podman, name, project_name, [port], read_only=(REPO,))
        yield box, port
    finally:
        remove_box(root_podman, name)


def project_units(box: SystemdBox, project: str, user: BoxUser | None = None) -> list[str]:
    args = ("list-units", "--all", "--plain", "--no-legend", f"{project}-*")
    listed = box.systemctl(*args, user=user)
    return sorted(line.split()[0] for line in listed.stdout.splitlines() if line.strip())


def running_objects(box: SystemdBox, project: str, user: BoxUser | None = None) -> list[str]:
    """What the Podman inside has of the project: containers (any state) and pods."""
    label = f"label=com.docker.compose.project={project}"
    ps = ("podman", "ps", "-a", "--filter", label, "--format", "{{.Names}}")
    containers = box.exec(*box.as_user(user, *ps))
    pod = ("podman", "pod", "ps", "--filter", f"name=^pod_{project}$", "--format", "{{.Name}}")
    pods = box.exec(*box.as_user(user, *pod))
    return containers.stdout.split() + pods.stdout.split()


def tokens(http_get: Callable[..., str], port: int) -> tuple[str, str]:
    volume = http_get(port, "/vol/index.html", 60).strip()
    found = (volume, http_get(port, "/bind/index.html").strip())
    assert all(TOKEN.match(token) for token in found), found
    return found


@pytest.mark.parametrize("pod_mode", ["shared", "separate", "none"])
def test_units_run_the_project_under_systemd(
    pod_mode: str,
    cgroups_unchanged: None,
    systemd_box: tuple[SystemdBox, int],
    project_name: str,
    project_dir: Path,
    composer: Composer,
    busybox_image: str,
    http_get: Callable[..., str],
    tmp_path: Path,
) -> None:
    box, port = systemd_box
    (project_dir / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, port=port))
    composer("--pod-mode", pod_mode, "systemd", "-o", str(tmp_path / "units"), cwd=project_dir)
    box.load_image(busybox_image, tmp_path)
    box.copy_in(project_dir, str(project_dir))
    box.copy_in(tmp_path / "units", "/etc/systemd/system")
    box.systemctl("daemon-reload")

    target = f"{project_name}.target"
    box.systemctl("start", target)
    units = project_units(box, project_name)
    # network, volume, the pod (not in none mode), seed, check, web
    assert len(units) == (5 if pod_mode == "none" else 6), units
    assert set(box.active_states(units).values()) == {"active"}
    first = tokens(http_get, port)

    box.systemctl("stop", target)
    states = box.wait_inactive(units)
    assert set(states.values()) == {"inactive"}, states
    assert running_objects(box, project_name) == []

    box.systemctl("start", target)
    assert_started_after_healthy(box, f"{project_name}-web-1", f"{project_name}-check-1")
    assert tokens(http_get, port) == first  # the volume and the bind mount kept their data


def assert_started_after_healthy(box: SystemdBox, dependent: str, dependency: str) -> None:
    """The dependent's container started only after a check of the dependency had passed."""
    found = json.loads(box.exec("podman", "inspect", dependent, dependency).stdout)
    started = when(found[0]["State"]["StartedAt"])
    log = found[1]["State"]["Health"]["Log"]
    passes = [when(entry["End"]) for entry in log if entry["ExitCode"] == 0]
    assert passes, log
    assert min(passes) <= started, (passes, started)


def test_install_enable_survives_a_reboot_and_remove_undoes_it(
    cgroups_unchanged: None,
    systemd_box: tuple[SystemdBox, int],
    project_name: str,
    project_dir: Path,
    busybox_image: str,
    http_get: Callable[..., str],
    tmp_path: Path,
) -> None:
    """`composer systemd --install --enable` in the box, as root there: at boot it comes back."""
    box, port = systemd_box
    (project_dir / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, port=port))
    box.load_image(busybox_image, tmp_path)
    box.copy_in(project_dir, str(project_dir))
    composer = ["sh", "-c", f'cd "{project_dir}" && exec "{COMPOSER}" -p {project_name} "$@"', "-"]
    done = box.exec(*composer, "systemd", "--install", "--enable")
    assert done.stdout.splitlines()[-1] == f"enabled and started {project_name}.target"
    first = tokens(http_get, port)

    box.reboot()  # systemd stops everything, boots again and starts the enabled target
    assert tokens(http_get, port) == first

    units = project_units(box, project_name)
    removed = box.exec(*composer, "systemd", "--remove").stdout.splitlines()
    assert len(removed) == len(units) + 1  # the services and the target
    box.wait_inactive(units)
    assert running_objects(box, project_name) == []
    assert box.exec("sh", "-c", f"ls /etc/systemd/system/{project_name}*", check=False).returncode
    # only the files and units go: the volume (and its data) stays
    box.exec("podman", "volume", "exists", f"{project_name}_pages")


def test_user_units_run_rootless_under_the_users_systemd(
    cgroups_unchanged: None,
    systemd_box: tuple[SystemdBox, int],
    project_name: str,
    project_dir: Path,
    busybox_image: str,
    http_get: Callable[..., str],
    tmp_path: Path,
) -> None:
    """A lingering user installs user units with rootless Podman; they come back at boot."""
    box, port = systemd_box
    user = box.add_user("alice")
    (project_dir / "compose.yaml").write_text(COMPOSE.format(image=busybox_image, port=port))
    box.load_image(busybox_image, tmp_path, user)
    box.copy_in(project_dir, str(project_dir))
    box.exec("chown", "-R", f"{user.name}:", str(project_dir))
    script = f'cd "{project_dir}" && exec "{COMPOSER}" -p {project_name} "$@"'
    composer = box.as_user(user, "sh", "-c", script, "-")
    done = box.exec(*composer, "systemd", "--install", "--enable")
    assert done.stdout.splitlines()[-2:] == [
        f"enabled and started {project_name}.target",
        "keep it running when you log out (and start it at boot): loginctl enable-linger alice",
    ]
    first = tokens(http_get, port)

    box.reboot()  # lingering starts alice's systemd at boot, and it starts the enabled target
    assert tokens(http_get, port) == first

    units = project_units(box, project_name, user)
    box.exec(*composer, "systemd", "--remove")
    box.wait_inactive(units, user=user)
    assert running_objects(box, project_name, user) == []
    box.exec(*box.as_user(user, "podman", "volume", "exists", f"{project_name}_pages"))
