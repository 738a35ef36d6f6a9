"""The whole loader against the reference docker compose v2.40.3, on files that use every
attribute the canonical stage rewrites (`config --format json`, unused resources dropped)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from composer.loader.canonical.canonicalize import json_view
from composer.loader.context import LoadOptions
from composer.loader.finish.normalize import drop_unused_resources
from composer.loader.pipeline import load
from tests.ci import in_ci


def reference_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "docker-compose"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("docker-compose")


REFERENCE = reference_binary()

SERVICES = """\
services:
  web:
    image: nginx
    ports: ["3000", "3000-3001:4000-4001", "127.0.0.1:5000:5000/udp", "127.0.0.1::6000",
            "[::1]:7000:7000", 8080, "98-101", {target: 80, published: 8081}]
    volumes: [/anon, "named:/n:ro,nocopy", "./rel:/r:z", "~/h:/h", "/abs:/a:rw,rshared",
              {type: tmpfs, target: /t, tmpfs: {size: 1m}}]
    environment: [HOME, NOPE, X=1]
    labels: [a, b=c]
    networks: [front]
    depends_on: [db]
    command: bash -c "echo 'a b'"
    entrypoint: ["/bin/sh"]
    healthcheck: {test: curl -f x, interval: 90s, retries: 0}
    extra_hosts: ["h:1.2.3.4", "g=::1"]
    mem_limit: 1g
    shm_size: 64m
    secrets: [s]
    configs: [c]
    pull_policy: if_not_present
    devices: ["/dev/a", "/dev/b:/dev/c:r"]
    gpus: all
    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}
    sysctls: [a.b=1]
    tmpfs: /run
    dns: 8.8.8.8
    expose: [1, "2/udp"]
    stop_grace_period: 1h
    privileged: false
    read_only: true
    logging: {driver: syslog, options: {n: 1}}
    deploy:
      replicas: 1
      resources: {limits: {memory: 1g, pids: 5}, reservations: {devices: [{capabilities: [gpu]}]}}
      restart_policy: {condition: on-failure, window: 120s}
    post_start: [{command: echo hi}]
  db:
    image: pg
    build: ./dir
    links: ["web2:alias"]
    volumes_from: [web2]
    blkio_config: {weight: 300, device_read_bps: [{path: /dev/sda, rate: 12mb}]}
    cpus: "1.5"
  web2:
    image: x
    network_mode: host
    build: {context: ., args: {A: null, HOME: null, B: 1}, dockerfile: ""}
volumes:
  named:
networks:
  front:
    ipam: {config: [{subnet: 10.0.0.0/8}]}
  unused:
secrets:
  s: {file: ./s.txt}
configs:
  c: {environment: HOME}
"""


def comparable(data: dict[str, Any]) -> Any:
    """What `config --format json` would print of `data`, read back."""
    return json.loads(json.dumps(json_view(drop_unused_resources(data))))


@pytest.mark.conformance
@pytest.mark.skipif(
    REFERENCE is None and not in_ci(), reason="the reference docker compose is not installed"
)
def test_every_rewritten_attribute_matches_the_reference(tmp_path: Path) -> None:
    assert REFERENCE is not None
    project = tmp_path / "proj"
    project.mkdir()
    (project / "compose.yaml").write_text(SERVICES)
    environ = {"HOME": "/home/me", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [REFERENCE, "-f", "compose.yaml", "config", "--format", "json"],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(result.stdout)
    loaded = load(LoadOptions(cwd=str(project), environ=environ, files=("compose.yaml",)))
    assert comparable(loaded.data) == expected
