"""`composer kube --apply` / `--down` on real Podman: the podman flavour, played by play kube.

A web service that depends on a healthy db, both in the project's Pod: the web answers on
127.0.0.1, data the db wrote to the volume survives `--down` and a new play, and `--down -v`
leaves nothing behind. What play kube makes without the project's labels (the volumes and the
Podman secret behind a ConfigMap and a Secret) is checked, and removed in the end, by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Composer, Podman, project_objects
from tests.integration.updown import BUSYBOX, write_compose

# busybox's sh and httpd as PID 1 ignore SIGTERM; the short grace period keeps --down quick.
COMPOSE = """
services:
  db:
    image: {image}
    command:
      - sh
      - -c
      - echo ready > /data/ready && exec sleep 100000
    volumes: [data:/data]
    stop_grace_period: 2s
    healthcheck:
      test: ["CMD", "test", "-f", "/data/ready"]
      interval: 2s
      retries: 5
  web:
    image: {image}
    command: ["httpd", "-f", "-p", "8080", "-h", "/srv"]
    ports: ["127.0.0.1:{port}:8080"]
    volumes: [data:/srv]
    configs: [motd]
    secrets: [token]
    stop_grace_period: 2s
    depends_on:
      db: {{condition: service_healthy}}
volumes:
  data: {{}}
configs:
  motd: {{content: "hello\\n"}}
secrets:
  token: {{environment: KUBE_TEST_TOKEN}}
"""
ENV = {"KUBE_TEST_TOKEN": "not-a-real-token"}


def unlabelled(podman: Podman, project: str) -> list[str]:
    """What play kube made for the ConfigMap and the Secret (it labels neither)."""
    found = [
        f"volume {name}"
        for name in (f"{project}-motd", f"{project}-token")
        if podman("volume", "exists", name, check=False).returncode == 0
    ]
    secret = podman("secret", "inspect", f"{project}-token", check=False)
    if secret.returncode == 0:
        found.append(f"secret {project}-token")
    if podman("pod", "exists", project, check=False).returncode == 0:
        found.append(f"pod {project}")
    return found


@pytest.fixture
def cleanup(root_podman: Podman, project_name: str) -> Iterator[None]:
    yield
    for name in (f"{project_name}-motd", f"{project_name}-token"):
        root_podman("volume", "rm", "--force", name, check=False)
    root_podman("secret", "rm", f"{project_name}-token", check=False)
    root_podman("pod", "rm", "--force", project_name, check=False)


@pytest.mark.usefixtures("cleanup", "busybox_image")
def test_play_down_and_play_again(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    tmp_path: Path,
    free_port: Callable[[], int],
    http_get: Callable[..., str],
) -> None:
    port = free_port()
    write_compose(tmp_path, COMPOSE.format(image=BUSYBOX, port=port))

    played = composer("kube", "--apply", cwd=tmp_path, env=ENV)
    assert played.stdout == f"Pod {project_name}: started\n"
    assert (
        'warning: service "web": depends_on db (service_healthy) is not waited for: Podman '
        "starts the containers of a Pod together" in played.stderr
    )
    assert http_get(port, "/ready") == "ready\n"  # the web serves what the db wrote
    labelled = project_objects(root_podman, project_name)
    assert labelled["pod"], "the Pod carries the project's labels"
    assert len(labelled["container"]) == 2  # db and web (the infra container has no labels)
    assert labelled["volume"] == [f"{project_name}-data"]
    root_podman("exec", f"{project_name}-web", "sh", "-c", "echo kept > /srv/marker")

    down = composer("kube", "--down", cwd=tmp_path, env=ENV)
    assert f"Pod {project_name}: removed" in down.stdout
    assert unlabelled(root_podman, project_name) == []
    left = project_objects(root_podman, project_name)
    assert left["pod"] == left["container"] == left["network"] == []
    assert left["volume"] == [f"{project_name}-data"]  # data stays, as with `composer down`

    composer("kube", "--apply", cwd=tmp_path, env=ENV)
    assert http_get(port, "/marker") == "kept\n"

    composer("kube", "--down", "--volumes", cwd=tmp_path, env=ENV)
    assert unlabelled(root_podman, project_name) == []
    assert {
        kind: ids for kind, ids in project_objects(root_podman, project_name).items() if ids
    } == {}
    network = root_podman("network", "exists", f"{project_name}_default", check=False)
    assert network.returncode == 1
