"""Translation of services into ContainerSpecs: every attribute Podman can take is passed on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.model import Project
from composer.plan import labels
from composer.plan.translate import plan_project
from composer.specs import (
    ContainerSpec,
    DeviceSpec,
    HealthcheckSpec,
    LogSpec,
    ResourcesSpec,
    RestartSpec,
    UlimitSpec,
)

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py

EVERYTHING = """
services:
  web:
    image: nginx:1.25
    command: ["nginx", "-g", "daemon off;"]
    entrypoint: /docker-entrypoint.sh
    environment: {A: "1", UNSET: null, EMPTY: ""}
    working_dir: /srv
    user: "1000:1000"
    hostname: webhost
    domainname: example.org
    labels: {team: web, com.docker.compose.project: spoofed}
    annotations: {io.example/a: b}
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    privileged: true
    devices: ["/dev/fuse", "/dev/sda:/dev/xvda:r"]
    init: true
    ulimits: {nproc: 512, nofile: {soft: 1024, hard: 2048}}
    sysctls: {net.core.somaxconn: "1024"}
    security_opt: ["label=disable"]
    read_only: true
    shm_size: 64m
    stop_signal: SIGQUIT
    stop_grace_period: 1m30s
    tty: true
    stdin_open: true
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 10s
      timeout: 5s
      retries: 4
      start_period: 30s
      start_interval: 2s
    logging: {driver: json-file, options: {max-size: 10m}}
    mem_limit: 256m
    mem_reservation: 128m
    memswap_limit: 512m
    cpus: 1.5
    cpu_shares: 512
    cpuset: "0,1"
    pids_limit: 100
    tmpfs: [/run, "/tmp:size=64m"]
    group_add: [audio]
    depends_on:
      db: {condition: service_healthy, restart: true}
  db:
    image: postgres
"""


def web(
    project: ProjectLoader, text: str = EVERYTHING, mode: str = "shared", **kwargs: object
) -> ContainerSpec:
    plan = plan_project(project(text), pod_mode=mode, **kwargs)  # type: ignore[arg-type]
    return plan.containers["web"][0]


def test_process_settings(project: ProjectLoader) -> None:
    spec = web(project)
    assert spec.name == "demo-web-1"
    assert spec.image == "nginx:1.25"
    assert spec.pod == "pod_demo"
    assert spec.command == ("nginx", "-g", "daemon off;")
    assert spec.entrypoint == ("/docker-entrypoint.sh",)
    assert spec.env == {"A": "1", "EMPTY": ""}
    assert spec.working_dir == "/srv"
    assert spec.user == "1000:1000"
    assert spec.hostname == "webhost"
    assert spec.domainname == "example.org"
    assert spec.init is True
    assert spec.tty is True
    assert spec.stdin_open is True
    assert spec.stop_signal == "SIGQUIT"
    assert spec.stop_timeout == 90
    assert spec.group_add == ("audio",)


def test_security_settings(project: ProjectLoader) -> None:
    spec = web(project)
    assert spec.cap_add == ("NET_ADMIN",)
    assert spec.cap_drop == ("MKNOD",)
    assert spec.privileged is True
    assert spec.devices == (DeviceSpec("/dev/fuse"), DeviceSpec("/dev/sda", "/dev/xvda", "r"))
    assert spec.security_opt == ("label=disable",)
    assert spec.read_only is True
    assert spec.sysctls == {"net.core.somaxconn": "1024"}
    assert spec.annotations == {"io.example/a": "b"}


def test_limits(project: ProjectLoader) -> None:
    spec = web(project)
    assert spec.ulimits == (UlimitSpec("nofile", 1024, 2048), UlimitSpec("nproc", 512, 512))
    assert spec.shm_size == 64 * 1024 * 1024
    assert spec.resources == ResourcesSpec(
        memory_limit=256 * 1024 * 1024,
        memory_reservation=128 * 1024 * 1024,
        memory_swap=512 * 1024 * 1024,
        cpus=1.5,
        cpu_shares=512,
        cpuset="0,1",
        pids_limit=100,
    )
    assert spec.tmpfs == ("/run", "/tmp:size=64m")


def test_policies(project: ProjectLoader) -> None:
    spec = web(project)
    assert spec.restart == RestartSpec("unless-stopped")
    assert spec.healthcheck == HealthcheckSpec(
        test=("CMD", "curl", "-f", "http://localhost"),
        interval=10.0,
        timeout=5.0,
        retries=4,
        start_period=30.0,
        start_interval=2.0,
    )
    assert spec.logging == LogSpec("json-file", {"max-size": "10m"})


def test_labels(project: ProjectLoader, tmp_path: Path) -> None:
    loaded = project(EVERYTHING)
    spec = plan_project(loaded, pod_mode="shared").containers["web"][0]
    assert spec.labels == {
        "team": "web",
        labels.PROJECT: "demo",
        labels.PODMAN_PROJECT: "demo",
        labels.SERVICE: "web",
        labels.PODMAN_SERVICE: "web",
        labels.CONTAINER_NUMBER: "1",
        labels.CONFIG_HASH: loaded.services["web"].config_hash,
        labels.ONEOFF: "False",
        labels.WORKING_DIR: str(tmp_path),
        labels.CONFIG_FILES: str(tmp_path / "compose.yaml"),
        labels.DEPENDS_ON: "db:service_healthy:true",
    }


def test_image_id_label(project: ProjectLoader) -> None:
    spec = web(project, image_ids={"web": "sha256:abc"})
    assert spec.labels[labels.IMAGE] == "sha256:abc"


def test_image_ids_added_to_a_plan_make_the_same_plan_as_planning_with_them(
    project: ProjectLoader,
) -> None:
    model = project(
        "services:\n"
        "  web: {image: web, labels: {com.docker.compose.image: mine, z: '1'}, scale: 2}\n"
        "  db: {image: db, depends_on: [web]}\n"
        "  tool: {build: .}\n"
    )
    ids = {"web": "sha256:w", "tool": "sha256:t", "db": ""}
    planned = plan_project(model, pod_mode="shared", image_ids=ids)
    added = plan_project(model, pod_mode="shared").with_image_ids(ids)
    assert added == planned
    # the same labels in the same order: what Podman gets is the same, byte for byte
    for service, specs in planned.containers.items():
        for mine, theirs in zip(added.containers[service], specs, strict=True):
            assert list(mine.labels.items()) == list(theirs.labels.items())
    assert added.containers["web"][1].labels[labels.IMAGE] == "sha256:w"
    assert labels.IMAGE not in added.containers["db"][0].labels


def test_built_image_name(project: ProjectLoader) -> None:
    spec = web(project, "services:\n  web: {build: .}\n")
    assert spec.image == "demo-web"


def test_replicas_are_numbered(project: ProjectLoader) -> None:
    plan = plan_project(project("services:\n  web: {image: x, scale: 3}\n"), pod_mode="shared")
    names = [(s.name, s.labels[labels.CONTAINER_NUMBER]) for s in plan.containers["web"]]
    assert names == [("demo-web-1", "1"), ("demo-web-2", "2"), ("demo-web-3", "3")]


def test_scale_override_and_zero(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x}\n  old: {image: x}\n"
    plan = plan_project(project(text), pod_mode="shared", scales={"web": 2, "old": 0})
    assert len(plan.containers["web"]) == 2
    assert plan.containers["old"] == ()


def test_container_name(project: ProjectLoader) -> None:
    assert web(project, "services:\n  web: {image: x, container_name: front}\n").name == "front"


def test_entrypoint_cleared(project: ProjectLoader) -> None:
    assert web(project, "services:\n  web: {image: x, entrypoint: []}\n").entrypoint == ()


def test_unset_values_keep_podman_defaults(project: ProjectLoader) -> None:
    spec = web(project, "services:\n  web: {image: x}\n")
    assert spec.command is None
    assert spec.entrypoint is None
    assert spec.restart == RestartSpec("no")
    assert spec.healthcheck is None
    assert spec.logging == LogSpec()
    assert spec.resources.empty
    assert spec.stop_timeout is None
    assert spec.init is False


@pytest.mark.parametrize(
    ("restart", "expected"),
    [
        ('"no"', RestartSpec("no")),
        ("always", RestartSpec("always")),
        ("on-failure", RestartSpec("on-failure")),
        ("on-failure:5", RestartSpec("on-failure", 5)),
        ("unless-stopped", RestartSpec("unless-stopped")),
    ],
)
def test_restart_policies(project: ProjectLoader, restart: str, expected: RestartSpec) -> None:
    assert web(project, f"services:\n  web: {{image: x, restart: {restart}}}\n").restart == expected


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("{condition: on-failure, max_attempts: 3}", RestartSpec("on-failure", 3)),
        ("{condition: any}", RestartSpec("always")),
        ("{condition: none}", RestartSpec("no")),
        ("{delay: 5s}", RestartSpec("always")),
    ],
)
def test_deploy_restart_policy(project: ProjectLoader, policy: str, expected: RestartSpec) -> None:
    text = f"services:\n  web: {{image: x, deploy: {{restart_policy: {policy}}}}}\n"
    assert web(project, text).restart == expected


def test_restart_wins_over_deploy_restart_policy(project: ProjectLoader) -> None:
    text = """
services:
  web: {image: x, restart: always, deploy: {restart_policy: {condition: none}}}
"""
    assert web(project, text).restart == RestartSpec("always")


@pytest.mark.parametrize("value", ["sometimes", "always:3", "on-failure:x"])
def test_bad_restart_policy(project: ProjectLoader, value: str) -> None:
    # The schema refuses these in a file; a model built otherwise is still checked.
    loaded = project("services:\n  web: {image: x}\n")
    service = replace(loaded.services["web"], restart=value)
    with pytest.raises(ComposerError) as caught:
        plan_project(replace(loaded, services={"web": service}), pod_mode="shared")
    assert caught.value.message == (
        f'service "web": invalid restart policy "{value}": use "no", "always", "on-failure", '
        '"on-failure:<retries>" or "unless-stopped"'
    )


def test_deploy_resources(project: ProjectLoader) -> None:
    # The loader refuses distinct values in both places, so each comes from either one.
    text = """
services:
  web:
    image: x
    mem_limit: 512m
    deploy:
      resources:
        limits: {memory: 512m, cpus: "0.5", pids: 10}
        reservations: {memory: 256m}
"""
    assert web(project, text).resources == ResourcesSpec(
        memory_limit=512 * 1024 * 1024,
        memory_reservation=256 * 1024 * 1024,
        cpus=0.5,
        pids_limit=10,
    )


def test_disabled_healthcheck(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x, healthcheck: {disable: true}}\n"
    assert web(project, text).healthcheck == HealthcheckSpec(test=("NONE",), disabled=True)
    text = "services:\n  web: {image: x, healthcheck: {test: [NONE]}}\n"
    assert web(project, text).healthcheck == HealthcheckSpec(test=("NONE",), disabled=True)


def test_shell_healthcheck(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x, healthcheck: {test: 'curl -f localhost'}}\n"
    check = web(project, text).healthcheck
    assert check is not None
    assert check.test == ("CMD-SHELL", "curl -f localhost")
