"""start, stop and restart over the fake runtime: order, conditions, the pod, Ctrl-C."""

from __future__ import annotations

import threading

import pytest

from composer.errors import ComposerError, LifecycleInterruptedError, PortInUseError
from composer.ops.commands.lifecycle import Lifecycle
from composer.ops.view import ProjectView
from composer.plan import labels
from composer.runtime.base import HealthcheckConfig, PodInfo
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import FakeRuntime, service_box

COMPOSE = """\
services:
  db:
    image: localhost/busybox
    ports: ["5432:5432"]
  web:
    image: localhost/busybox
    depends_on:
      db: {condition: service_healthy}
"""
CHECK = HealthcheckConfig(("CMD", "true"), interval=1.0, retries=1)


def lifecycle(
    fake: FakeRuntime,
    project: ProjectLoader,
    timeout: int | None = None,
    cancel: threading.Event | None = None,
) -> Lifecycle:
    view = ProjectView.load(fake, "demo", project(COMPOSE))
    return Lifecycle(fake, view, Recorder(), timeout=timeout, cancel=cancel or threading.Event())


def stopped_demo(*, healthy: bool = True) -> FakeRuntime:
    return FakeRuntime().add(
        service_box("demo", "db", state="exited", healthcheck=CHECK, healthy=healthy),
        service_box("demo", "web", state="exited"),
    )


def test_start_runs_the_dependencys_healthcheck_before_the_dependent(
    project: ProjectLoader,
) -> None:
    fake = stopped_demo()
    lifecycle(fake, project).start([])
    assert fake.calls == [
        ("start", "demo-db-1"),
        ("healthcheck", "demo-db-1"),
        ("start", "demo-web-1"),
    ]


def test_an_unhealthy_dependency_keeps_its_dependent_stopped(project: ProjectLoader) -> None:
    fake = stopped_demo(healthy=False)
    with pytest.raises(ComposerError) as caught:
        lifecycle(fake, project).start(["web"])
    assert caught.value.message == "dependency failed to start: container demo-db-1 is unhealthy"
    assert fake.ops("start") == ["demo-db-1"]


def test_stop_goes_dependents_first(project: ProjectLoader) -> None:
    fake = FakeRuntime().add(service_box("demo", "db"), service_box("demo", "web"))
    lifecycle(fake, project, timeout=4).stop([])
    assert fake.ops("stop") == ["demo-web-1 -t 4", "demo-db-1 -t 4"]


def test_a_taken_port_of_the_pod_names_the_service_on_start(project: ProjectLoader) -> None:
    fake = stopped_demo()
    fake.pods.append(PodInfo("pod_demo", "p1", {labels.PROJECT: "demo"}, "Exited", "infra1", ()))
    fake.infra_running["infra1"] = False
    fake.failures[("start", "infra1")] = PortInUseError(
        "container infra1: cannot start", "x", host_ip="", port=5432, protocol="tcp"
    )
    with pytest.raises(PortInUseError) as caught:
        lifecycle(fake, project).start([])
    assert caught.value.message.startswith('service "db": container infra1: cannot start: port')
    assert fake.ops("start") == ["infra1"]


def test_ctrl_c_between_containers_leaves_the_rest_and_says_what_was_not_done(
    project: ProjectLoader,
) -> None:
    cancel = threading.Event()

    class CancelsAfterFirstStart(FakeRuntime):
        def start_container(self, name: str) -> None:
            super().start_container(name)
            cancel.set()  # what Ctrl-C does, while db's second replica waits its turn

    fake = CancelsAfterFirstStart().add(
        service_box("demo", "db", 1, state="exited", healthcheck=CHECK),
        service_box("demo", "db", 2, state="exited", healthcheck=CHECK),
        service_box("demo", "web", state="exited"),
    )
    with pytest.raises(LifecycleInterruptedError) as caught:
        lifecycle(fake, project, cancel=cancel).start([])
    assert caught.value.message == "interrupted: db, web not done"
    assert caught.value.hint == "run `composer start` again to finish"
    assert fake.ops("start") == ["demo-db-1"]
