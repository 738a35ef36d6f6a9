"""Stacks that podman-compose created: composer adopts them (its unlabelled pod included)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from tests.integration.conftest import Composer, Podman, run

PODMAN_COMPOSE = str(Path(sys.executable).parent / "podman-compose")


def podman_compose_up(project: str, cwd: Path) -> None:
    run([PODMAN_COMPOSE, "-p", project, "up", "-d"], cwd=cwd)


def write_project(directory: Path, image: str, port: int) -> None:
    (directory / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        f"    image: {image}\n"
        '    command: ["httpd", "-f", "-p", "8000", "-h", "/tmp"]\n'
        f'    ports: ["127.0.0.1:{port}:8000"]\n'
    )


def names(podman: Podman, *args: str) -> list[str]:
    return podman(*args, "--format", "{{.Name}}").stdout.split()


def test_up_replaces_a_podman_compose_stack_and_its_pod(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    write_project(tmp_path, busybox_image, port)
    podman_compose_up(project_name, tmp_path)
    pod = f"pod_{project_name}"
    assert json.loads(root_podman("pod", "inspect", pod).stdout).get("Labels") in (None, {})

    composer("up", "-d", cwd=tmp_path)
    containers = root_podman("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert f"{project_name}_web_1" not in containers  # podman-compose's container is gone
    assert f"{project_name}-web-1" in containers
    labels = json.loads(root_podman("pod", "inspect", pod).stdout)["Labels"]
    assert labels["com.docker.compose.project"] == project_name
    root_podman("exec", f"{project_name}-web-1", "sh", "-c", "echo adopted > /tmp/index.html")
    assert http_get(port, "/index.html") == "adopted\n"


def test_down_removes_a_podman_compose_stack_and_its_pod(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    tmp_path: Path,
    free_port: Callable[[], int],
) -> None:
    write_project(tmp_path, busybox_image, free_port())
    podman_compose_up(project_name, tmp_path)
    composer("down", cwd=tmp_path)
    assert f"pod_{project_name}" not in names(root_podman, "pod", "ls")
    assert not root_podman(
        "ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={project_name}"
    ).stdout.split()
    assert f"{project_name}_default" not in names(root_podman, "network", "ls")


def write_chain(directory: Path, image: str, port: int) -> None:
    """db <- api <- web: podman-compose gives api `--requires` db, and web both."""
    sleeper = f'    image: {image}\n    command: ["sleep", "600"]\n    stop_signal: SIGKILL\n'
    (directory / "compose.yaml").write_text(
        "services:\n"
        f"  db:\n{sleeper}"
        f"  api:\n{sleeper}    depends_on: [db]\n"
        "  web:\n"
        f"    image: {image}\n"
        '    command: ["httpd", "-f", "-p", "8000", "-h", "/tmp"]\n'
        f'    ports: ["127.0.0.1:{port}:8000"]\n'
        "    stop_signal: SIGKILL\n"
        "    depends_on: [api]\n"
    )


def test_down_by_name_from_another_directory_removes_a_podman_compose_stack(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    tmp_path: Path,
    free_port: Callable[[], int],
) -> None:
    stack, elsewhere = tmp_path / "stack", tmp_path / "elsewhere"
    stack.mkdir()
    elsewhere.mkdir()
    write_chain(stack, busybox_image, free_port())
    podman_compose_up(project_name, stack)
    web = json.loads(root_podman("container", "inspect", f"{project_name}_web_1").stdout)[0]
    assert len(web["Dependencies"]) == 2  # what made composer's down fail before

    down = composer("down", cwd=elsewhere)  # no compose file here: the labels alone
    assert "Error" not in down.stderr
    assert f"pod_{project_name}" not in names(root_podman, "pod", "ls")
    assert not root_podman(
        "ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={project_name}"
    ).stdout.split()
    assert f"{project_name}_default" not in names(root_podman, "network", "ls")


def test_up_without_a_pod_replaces_podman_compose_containers_that_require_each_other(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    write_chain(tmp_path, busybox_image, port)
    run([PODMAN_COMPOSE, "--in-pod=false", "-p", project_name, "up", "-d"], cwd=tmp_path)

    composer("--pod-mode", "none", "up", "-d", cwd=tmp_path)
    selector = f"label=io.podman.compose.project={project_name}"
    listed = root_podman("ps", "-a", "--filter", selector, "--format", "{{.Names}}")
    assert sorted(listed.stdout.split()) == [f"{project_name}-{s}-1" for s in ("api", "db", "web")]
    root_podman("exec", f"{project_name}-web-1", "sh", "-c", "echo taken over > /tmp/index.html")
    assert http_get(port, "/index.html") == "taken over\n"
