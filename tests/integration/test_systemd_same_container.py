"""A unit's `podman run` line and `composer up` create the same container.

`up` talks to the API; a unit runs the podman CLI. Both come from the same ContainerSpec, and
this test checks the real result: the container `up` made is inspected, then the unit's
ExecStart line runs (its `--replace` takes the name over) and the new container is inspected
too. Everything but what a unit changes on purpose (systemd restarts it, `--rm`, the cidfile
and conmon's cgroup) must be equal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import Composer, Podman, run
from tests.integration.unit_lines import argvs

COMPOSE = """\
services:
  db:
    # declares VOLUME /var/lib/postgresql/data, inside this bind mount: up (and the unit)
    # bind the subdirectory there (plan/image_volumes.py)
    image: {postgres}
    environment: {{POSTGRES_PASSWORD: pw}}
    volumes: ["./pg:/var/lib/postgresql"]
  web:
    image: {image}
    entrypoint: ["/bin/sh", "-c"]
    command: ["echo started; exec httpd -f -p 8080 -h /srv/www"]
    environment: ["GREETING=hello world", 'QUOTED=say "hi" 100%', "DOLLAR=$$HOME"]
    env_file: [web.env]
    labels: {{com.example.tier: front}}
    annotations: {{com.example.note: noted}}
    user: "0:0"
    working_dir: /srv
    hostname: web
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    read_only: true
    init: true
    tmpfs: ["/run:size=1m"]
    extra_hosts: ["gateway:10.0.0.1"]
    dns: [10.0.0.53]
    dns_search: [example.test]
    shm_size: 8m
    pids_limit: 200
    ulimits: {{nofile: {{soft: 1024, hard: 2048}}, nproc: 1000}}
    sysctls: {{net.ipv4.ip_unprivileged_port_start: "80"}}
    stop_signal: SIGQUIT
    stop_grace_period: 5s
    security_opt: ["no-new-privileges"]
    group_add: ["1234"]
    healthcheck:
      test: ["CMD", "test", "-d", "/srv/www"]
      interval: 3s
      timeout: 2s
      retries: 4
      start_period: 1s
    volumes: ["./www:/srv/www:ro", "data:/srv/data", {{type: tmpfs, target: /cache}}]
    secrets: [token]
    ports: ["127.0.0.1:{port}:8080"]
secrets:
  token: {{file: ./token.txt}}
volumes:
  data: {{}}
"""
# HostConfig keys a unit sets differently on purpose: systemd restarts and removes the container.
BY_DESIGN = {
    "RestartPolicy", "AutoRemove", "CgroupParent", "Cgroups", "CgroupManager", "ContainerIDFile",
}  # fmt: skip


def inspect(podman: Podman, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(podman("container", "inspect", name).stdout)[0]
    return found


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """What must be the same: the container's configuration, mounts, networks and ports."""
    config = {
        key: data["Config"].get(key)
        for key in (
            "Env", "Cmd", "Entrypoint", "User", "WorkingDir", "Hostname", "Labels",
            "Healthcheck", "StopSignal", "StopTimeout", "Tty", "OpenStdin", "Image",
        )
    }  # fmt: skip
    short_id = data["Id"][:12]  # Podman's own alias and default hostname of each container
    if config["Hostname"] == short_id:
        config["Hostname"] = "<id>"
    config["Env"] = sorted(e.replace(short_id, "<id>") for e in config["Env"] or [])
    labels = dict(config["Labels"] or {})
    labels.pop("PODMAN_SYSTEMD_UNIT", None)
    # `up` records the local image id it created the container from; a unit may run after
    # an image update (a pull, a rebuild), so it does not name one.
    labels.pop("com.docker.compose.image", None)
    config["Labels"] = labels
    annotations = data["Config"].get("Annotations") or {}
    config["Annotations"] = {k: v for k, v in annotations.items() if k.startswith("com.example")}
    host = {k: v for k, v in data["HostConfig"].items() if k not in BY_DESIGN}
    host["LogConfig"] = {k: v for k, v in host["LogConfig"].items() if k != "Path"}  # has the id
    host["Binds"] = sorted(host.get("Binds") or [])  # Podman lists them in no fixed order
    mounts = sorted(
        (m["Type"], m.get("Name") or m.get("Source"), m["Destination"], m["RW"])
        for m in data["Mounts"]
    )
    networks = {
        name: sorted(alias for alias in n.get("Aliases") or [] if alias != short_id)
        for name, n in data["NetworkSettings"]["Networks"].items()
    }
    return {"Config": config, "HostConfig": host, "Mounts": mounts, "Networks": networks}


@pytest.mark.parametrize("pod_mode", ["shared", "none"])
def test_the_unit_creates_the_container_up_creates(
    composer: Composer,
    root_podman: Podman,
    project_name: str,
    busybox_image: str,
    postgres_image: str,
    free_port: Any,
    tmp_path: Path,
    pod_mode: str,
) -> None:
    project = tmp_path / "project"
    (project / "www").mkdir(parents=True)
    (project / "www" / "index.html").write_text("same\n")
    (project / "web.env").write_text("FROM_FILE=by path\n")
    (project / "token.txt").write_text("t0ken\n")
    text = COMPOSE.format(image=busybox_image, postgres=postgres_image, port=free_port())
    (project / "compose.yaml").write_text(text)
    env = {"COMPOSER_POD_MODE": pod_mode}
    composer("up", "-d", cwd=project, env=env)
    composer("systemd", "-o", str(tmp_path / "units"), cwd=project, env=env)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    for service in ("web", "db"):
        container = f"{project_name}-{service}-1"
        from_up = comparable(inspect(root_podman, container))
        unit = tmp_path / "units" / f"{project_name}-{service}.service"
        (start,) = argvs(unit, "ExecStart", runtime)
        run(start)
        from_unit = comparable(inspect(root_podman, container))
        assert_same(service, from_up, from_unit)
    # the last one is db's: its database is in the bind's subdirectory, not an anonymous volume
    assert ("bind", f"{project}/pg/data", "/var/lib/postgresql/data", True) in from_unit["Mounts"]
    composer("down", cwd=project, env=env)


def assert_same(service: str, from_up: dict[str, Any], from_unit: dict[str, Any]) -> None:
    for part in ("Config", "Mounts", "Networks"):
        assert from_unit[part] == from_up[part], (service, part, from_up[part], from_unit[part])
    differing = {
        key: (from_up["HostConfig"].get(key), value)
        for key, value in from_unit["HostConfig"].items()
        if from_up["HostConfig"].get(key) != value
    }
    assert differing == {}, (service, json.dumps(differing, indent=1))
