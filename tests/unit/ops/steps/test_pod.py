"""`up`'s pod step over the fake runtime: made, started on its own, and a taken port named."""

from __future__ import annotations

import pytest

from composer.errors import PortInUseError
from composer.ops.state import observe
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.pod import PodSteps
from composer.plan import labels
from composer.plan.converge import ContainerAction, Convergence, PodAction
from composer.runtime.base import PodInfo
from composer.specs import PodSpec
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import FakeRuntime, service_box

COMPOSE = """\
services:
  db:
    image: localhost/busybox
  web:
    image: localhost/busybox
    ports: ["8080-8081:80-81"]
    depends_on: [db]
"""
POD = PodSpec("pod_demo", labels={labels.PROJECT: "demo"}, infra=True)


def pod_steps(fake: FakeRuntime, project: ProjectLoader, shown: Recorder) -> PodSteps:
    return PodSteps(fake, shown, project(COMPOSE), ContainerSteps(fake, shown))


def test_a_new_pod_is_created_and_its_infra_started_before_any_service(
    project: ProjectLoader,
) -> None:
    fake, shown = FakeRuntime(), Recorder()
    steps = pod_steps(fake, project, shown)
    steps.apply(PodAction("create", "pod_demo", POD), observe(fake, "demo"), start=True)
    assert fake.calls == [("create_pod", "pod_demo"), ("start_pod", "pod_demo")]
    assert shown.statuses("Pod pod_demo") == ["Creating", "Created", "Starting", "Started"]
    assert steps.started_infra


def test_a_taken_host_port_names_the_service_that_publishes_it(project: ProjectLoader) -> None:
    fake, shown = FakeRuntime(), Recorder()
    said = "listen tcp4 0.0.0.0:8081: bind: address already in use"
    fake.failures[("start_pod", "pod_demo")] = PortInUseError(
        "pod pod_demo: cannot start", said, host_ip="0.0.0.0", port=8081, protocol="tcp"
    )
    steps = pod_steps(fake, project, shown)
    with pytest.raises(PortInUseError) as caught:
        steps.apply(PodAction("create", "pod_demo", POD), observe(fake, "demo"), start=True)
    assert caught.value.message == (
        f'service "web": pod pod_demo: cannot start: port 0.0.0.0:8081/tcp is already in use '
        f"on the host ({said})"
    )
    assert (
        caught.value.hint == "stop what uses that port, or publish the service on another host port"
    )
    assert shown.statuses("Pod pod_demo")[-1] == "Error"
    assert not steps.started_infra


def test_a_kept_pod_starts_only_its_stopped_infra(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    fake.pods.append(PodInfo("pod_demo", "p1", {labels.PROJECT: "demo"}, "Exited", "infra1", ()))
    fake.infra_running["infra1"] = False
    steps = pod_steps(fake, project, Recorder())
    steps.apply(PodAction("keep", "pod_demo", POD), observe(fake, "demo"), start=True)
    assert fake.calls == [("start", "infra1")]
    steps.apply(PodAction("keep", "pod_demo", POD), observe(fake, "demo"), start=False)
    assert fake.calls == [("start", "infra1")]


def test_a_replaced_pod_takes_its_containers_along_dependents_first(
    project: ProjectLoader,
) -> None:
    fake = FakeRuntime().add(
        service_box("demo", "db", pod="p1"),
        service_box("demo", "web", pod="p1"),
        service_box("demo", "gone", state="exited"),
    )
    fake.pods.append(PodInfo("pod_demo", "p1", {labels.PROJECT: "demo"}, "Running", "infra1", ()))
    convergence = Convergence(
        pod=PodAction("recreate", "pod_demo", POD),
        actions=(ContainerAction("remove", "gone", "demo-gone-1", existing="demo-gone-1"),),
    )
    pod_steps(fake, project, Recorder()).remove_before(convergence, observe(fake, "demo"), None)
    assert fake.ops("stop") == ["demo-web-1", "demo-db-1"]
    assert sorted(fake.ops("remove")) == [
        "demo-db-1 volumes=False",
        "demo-gone-1 volumes=False",
        "demo-web-1 volumes=False",
    ]
    assert fake.ops("remove").index("demo-web-1 volumes=False") < fake.ops("remove").index(
        "demo-db-1 volumes=False"
    )
