"""`up` in another pod mode than the project runs in: every switch between shared, separate and
none converges (pod made or removed, containers moved, the published port with them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Composer, Podman
from tests.integration.updown import BUSYBOX, exists, inspect, output, write_compose

MODES = ("shared", "separate", "none")
SWITCHES = [(old, new) for old in MODES for new in MODES if old != new]


def serve(page: str, port: int) -> str:
    """A command serving `page` at / on `port` with busybox httpd."""
    script = f"mkdir -p /w && echo {page} > /w/index.html && exec httpd -f -p {port} -h /w"
    return f'["sh", "-c", "{script}"]'


def two_services(port: int) -> str:
    """db serves "db" on 9000 (a volume at /data); web serves "web" on 8000, published."""
    return f"""
    services:
      db:
        image: {BUSYBOX}
        command: {serve("db", 9000)}
        volumes: ["/data"]
        stop_signal: SIGKILL
      web:
        image: {BUSYBOX}
        command: {serve("web", 8000)}
        ports: ["127.0.0.1:{port}:8000"]
        depends_on: [db]
        stop_signal: SIGKILL
    """


def pod_inspect(podman: Podman, name: str) -> dict[str, Any]:
    found = json.loads(podman("pod", "inspect", name).stdout)
    return dict(found[0] if isinstance(found, list) else found)


def check_layout(
    podman: Podman, project: str, mode: str, port: int, http_get: Callable[..., str]
) -> None:
    """The pod, the containers' places, who publishes the port, and that it answers."""
    pod = f"pod_{project}"
    web, db = inspect(podman, f"{project}-web-1"), inspect(podman, f"{project}-db-1")
    assert web["State"]["Running"]
    assert db["State"]["Running"]
    bindings = {"8000/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(port)}]}
    if mode == "none":
        assert not exists(podman, "pod", pod)
        assert web["Pod"] == db["Pod"] == ""
    else:
        about = pod_inspect(podman, pod)
        assert web["Pod"] == db["Pod"] == about["Id"]
        assert bool(about.get("InfraContainerID")) is (mode == "shared")
    if mode == "shared":
        # The infra container publishes the port; web reaches db over the pod's localhost.
        assert pod_inspect(podman, pod)["InfraConfig"]["PortBindings"] == bindings
        assert not web["HostConfig"]["PortBindings"]
        fetched = podman("exec", f"{project}-web-1", "wget", "-qO-", "http://127.0.0.1:9000/")
        assert fetched.stdout == "db\n"
    else:
        assert web["HostConfig"]["PortBindings"] == bindings
        alone = podman(
            "exec",
            f"{project}-web-1",
            "wget",
            "-qO-",
            "-T",
            "2",
            "http://127.0.0.1:9000/",
            check=False,
        )
        assert alone.returncode != 0  # web has a network namespace of its own
    assert http_get(port) == "web\n"


@pytest.mark.parametrize(("old", "new"), SWITCHES, ids=[f"{o}-to-{n}" for o, n in SWITCHES])
def test_up_in_another_pod_mode_moves_the_project(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
    old: str,
    new: str,
) -> None:
    port = free_port()
    write_compose(tmp_path, two_services(port))
    composer("--pod-mode", old, "up", "-d", cwd=tmp_path)
    check_layout(root_podman, project_name, old, port, http_get)
    root_podman("exec", f"{project_name}-db-1", "sh", "-c", "echo kept > /data/file")

    switched = composer("--pod-mode", new, "up", "-d", cwd=tmp_path)
    assert "Nothing to do" not in output(switched)
    check_layout(root_podman, project_name, new, port, http_get)
    # The recreated db has the old container's anonymous volume, data and all.
    assert root_podman("exec", f"{project_name}-db-1", "cat", "/data/file").stdout == "kept\n"

    again = composer("--pod-mode", new, "up", "-d", cwd=tmp_path)
    assert "Nothing to do: all 2 containers are up to date." in output(again)
    composer("down", "-v", cwd=tmp_path)
    assert not exists(root_podman, "pod", f"pod_{project_name}")
