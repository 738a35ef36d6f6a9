"""`up` in another pod mode than the project runs in, over the fake runtime: it converges."""

from __future__ import annotations

import pytest

from composer.ops.commands.up import Up
from composer.ops.commands.up_plan import UpOptions, prepare
from composer.ops.state import observe
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.pod import PodSteps
from composer.plan.converge import POD_CHANGED, converge
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import FakeRuntime

COMPOSE = """\
services:
  db:
    image: localhost/db
    volumes: ["/data"]
  web:
    image: localhost/web
    ports: ["127.0.0.1:8080:80"]
    depends_on: [db]
"""
DETACHED = UpOptions(detach=True)
MODES = ("shared", "separate", "none")
SWITCHES = [(old, new) for old in MODES for new in MODES if old != new]
CONTAINERS = ("demo-db-1", "demo-web-1")


def up_in(fake: FakeRuntime, project: ProjectLoader, mode: str) -> Recorder:
    shown = Recorder()
    prepared = prepare(project(COMPOSE), DETACHED, pod_mode=mode, environ={})
    assert Up(fake, prepared, DETACHED, shown).run() == 0
    return shown


def pod_of(fake: FakeRuntime, container: str) -> str:
    """The name of the pod a container is in, "" outside any."""
    pod_id = fake.boxes[container].pod
    return next((p.name for p in fake.pods if p.id == pod_id), "") if pod_id else ""


@pytest.mark.parametrize(("old", "new"), SWITCHES, ids=[f"{o}-to-{n}" for o, n in SWITCHES])
def test_a_switch_of_pod_mode_replaces_the_pod_and_moves_every_container(
    project: ProjectLoader, old: str, new: str
) -> None:
    fake = FakeRuntime()
    up_in(fake, project, old)
    first_pod = [(p.name, p.id, bool(p.infra_id)) for p in fake.pods]
    fake.calls.clear()

    shown = up_in(fake, project, new)

    assert not any(m.startswith("Nothing to do") for m in shown.messages)
    expected_pod = {"shared": [("pod_demo", True)], "separate": [("pod_demo", False)], "none": []}
    assert [(p.name, bool(p.infra_id)) for p in fake.pods] == expected_pod[new]
    assert fake.pods == [] or [(p.name, p.id, bool(p.infra_id)) for p in fake.pods] != first_pod
    for name in CONTAINERS:
        assert pod_of(fake, name) == ("" if new == "none" else "pod_demo")
        assert fake.boxes[name].state == "running"
    # Every old container goes before the pod changes (a shared pod's infra takes their ports),
    # dependents first, and each new one is made after the pod.
    removals = [i for i, (op, _) in enumerate(fake.calls) if op == "remove"]
    pod_changes = [i for i, (op, _) in enumerate(fake.calls) if op in ("remove_pod", "create_pod")]
    creations = [i for i, (op, _) in enumerate(fake.calls) if op == "create"]
    assert len(removals) == len(creations) == 2
    assert max(removals) < min(pod_changes) < min(creations)
    assert fake.ops("remove") == ["demo-web-1 volumes=False", "demo-db-1 volumes=False"]


@pytest.mark.parametrize(("old", "new"), SWITCHES, ids=[f"{o}-to-{n}" for o, n in SWITCHES])
def test_the_next_up_in_the_new_mode_has_nothing_to_do(
    project: ProjectLoader, old: str, new: str
) -> None:
    fake = FakeRuntime()
    up_in(fake, project, old)
    up_in(fake, project, new)
    fake.calls.clear()
    assert up_in(fake, project, new).messages == ["Nothing to do: all 2 containers are up to date."]
    assert fake.calls == []


@pytest.mark.parametrize(("old", "new"), SWITCHES, ids=[f"{o}-to-{n}" for o, n in SWITCHES])
def test_the_replacements_keep_the_anonymous_volumes(
    project: ProjectLoader, old: str, new: str
) -> None:
    fake = FakeRuntime()
    up_in(fake, project, old)
    assert [m.name for m in fake.boxes["demo-db-1"].mounts] == ["anon-demo-db-1"]
    up_in(fake, project, new)
    # The fake names a new anonymous volume after its container; this one is the old volume.
    assert [(m.destination, m.source) for m in fake.boxes["demo-db-1"].mounts] == [
        ("/data", "anon-demo-db-1")
    ]


def test_the_dry_run_and_up_see_the_pod_that_none_mode_removes(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    up_in(fake, project, "shared")
    plan = prepare(project(COMPOSE), DETACHED, pod_mode="none", environ={}).plan
    observed = observe(fake, "demo")
    convergence = converge(plan, observed.containers, observed.project_pod())
    assert convergence.pod is not None
    assert (convergence.pod.kind, convergence.pod.name) == ("remove", "pod_demo")
    assert {a.reason for a in convergence.actions} == {POD_CHANGED}


def test_containers_moving_into_a_new_pod_go_before_it_is_made(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    up_in(fake, project, "none")
    plan = prepare(project(COMPOSE), DETACHED, pod_mode="shared", environ={}).plan
    observed = observe(fake, "demo")
    convergence = converge(plan, observed.containers, observed.project_pod())
    shown = Recorder()
    steps = ContainerSteps(fake, shown)
    PodSteps(fake, shown, project(COMPOSE), steps).remove_before(convergence, observed, None)
    assert fake.boxes == {}
    assert sorted(steps.removed_early) == list(CONTAINERS)
