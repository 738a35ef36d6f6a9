"""`run` over the fake runtime: dependencies first, conditions awaited, then the one-off."""

from __future__ import annotations

from dataclasses import replace

import pytest

from composer.errors import ComposerError
from composer.model import Project
from composer.ops.commands.run import OneOffRun, RunOptions, prepare_run
from composer.plan import labels
from composer.plan.oneoff import RunOverrides
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import FakeRuntime

COMPOSE = """\
services:
  db:
    image: localhost/db
    healthcheck: {test: ["CMD", "true"], interval: 1s, retries: 1}
  cache:
    image: localhost/cache
  job:
    image: localhost/job
    command: ["echo", "job"]
    depends_on:
      db: {condition: service_healthy}
      cache: {condition: service_started}
"""
SLUG = "abcdef0123456789" * 4
ONE_OFF = "demo-job-run-abcdef012345"


def running(
    fake: FakeRuntime, project: Project, options: RunOptions, shown: Recorder | None = None
) -> int:
    prepared = prepare_run(project, options, pod_mode=None, environ={}, slug=SLUG)
    return OneOffRun(fake, prepared, options, lambda: shown or Recorder()).run()


def test_dependencies_come_first_and_the_healthy_one_is_awaited(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    code = running(fake, project(COMPOSE), RunOptions("job"))
    assert code == 0
    ops = [op for op in fake.calls if op[0] in ("create", "start", "healthcheck", "start_attached")]
    assert ops.index(("healthcheck", "demo-db-1")) < ops.index(("create", ONE_OFF))
    assert ops[-2:] == [("create", ONE_OFF), ("start_attached", f"{ONE_OFF} interactive=True")]
    assert {"demo-db-1", "demo-cache-1"} <= set(fake.boxes)
    assert "demo-job-1" not in fake.boxes  # the service's own container is not made
    made = fake.specs[ONE_OFF]
    assert made.labels[labels.ONEOFF] == "True"
    assert made.labels[labels.IMAGE] == "sha256:1"  # the image's id, as up labels it
    assert made.pod == "pod_demo"


def test_the_containers_exit_code_is_returned_and_rm_removes_it(project: ProjectLoader) -> None:
    demo = project(COMPOSE)
    prepared = prepare_run(
        demo, RunOptions("job", remove=True), pod_mode=None, environ={}, slug=SLUG
    )
    assert prepared.spec.auto_remove is False  # attached: composer removes it itself

    class Failing(FakeRuntime):
        def start_attached(self, name: str, *, interactive: bool) -> int:
            super().start_attached(name, interactive=interactive)
            return 127

    failing = Failing()
    assert OneOffRun(failing, prepared, RunOptions("job", remove=True), Recorder).run() == 127
    assert ONE_OFF not in failing.boxes
    assert failing.ops("remove") == [f"{ONE_OFF} volumes=True"]


def test_no_deps_starts_nothing_else_but_makes_the_pod(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    assert running(fake, project(COMPOSE), RunOptions("job", no_deps=True)) == 0
    assert sorted(fake.boxes) == [ONE_OFF]
    assert fake.ops("create_pod") == ["pod_demo"]
    assert fake.ops("healthcheck") == []


def test_an_existing_pod_is_joined_as_it_is(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    demo = project(COMPOSE)
    running(fake, demo, RunOptions("job", no_deps=True))
    fake.pods = [replace(pod, labels={**pod.labels, labels.POD_HASH: "old"}) for pod in fake.pods]
    fake.calls.clear()
    running(fake, demo, RunOptions("job", no_deps=True))
    assert fake.ops("remove_pod") == []
    assert fake.ops("create_pod") == []


def test_detached_it_starts_in_the_background_and_prints_its_id(
    project: ProjectLoader, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeRuntime()
    options = RunOptions("job", detach=True, remove=True, no_deps=True)
    assert running(fake, project(COMPOSE), options) == 0
    assert fake.ops("start") == [ONE_OFF]
    assert fake.ops("start_attached") == []
    assert fake.specs[ONE_OFF].auto_remove is True  # Podman removes it when it exits
    assert capsys.readouterr().out == f"{fake.boxes[ONE_OFF].id}\n"


def test_an_unhealthy_dependency_fails_before_the_one_off_exists(project: ProjectLoader) -> None:
    fake = FakeRuntime(unhealthy={"demo-db-1"})
    with pytest.raises(ComposerError) as caught:
        running(fake, project(COMPOSE), RunOptions("job"))
    assert "demo-db-1 is unhealthy" in caught.value.message
    assert ONE_OFF not in fake.boxes


def test_an_optional_dependency_that_fails_only_warns(project: ProjectLoader) -> None:
    text = COMPOSE.replace(
        "db: {condition: service_healthy}", "db: {condition: service_healthy, required: false}"
    )
    fake = FakeRuntime(unhealthy={"demo-db-1"})
    shown = Recorder()
    demo = project(text)
    # `up` of the dependencies does not wait for db: only the one-off needs it healthy.
    assert running(fake, demo, RunOptions("job"), shown) == 0
    assert any(m.startswith('warning: optional dependency "db": ') for m in shown.messages)
    assert ONE_OFF in fake.boxes


def test_overrides_reach_the_container(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    overrides = RunOverrides(command=("ls", "-l"), env={"A": "1"}, tty=True)
    running(fake, project(COMPOSE), RunOptions("job", overrides=overrides, no_deps=True))
    made = fake.specs[ONE_OFF]
    assert (made.command, made.env, made.tty) == (("ls", "-l"), {"A": "1"}, True)


def test_a_bad_pull_value_is_refused_before_anything(project: ProjectLoader) -> None:
    with pytest.raises(ComposerError) as caught:
        prepare_run(
            project(COMPOSE), RunOptions("job", pull="sometimes"), pod_mode=None, environ={}
        )
    assert caught.value.message == 'invalid --pull value "sometimes"'


def test_prepare_names_the_dependencies_in_start_order(project: ProjectLoader) -> None:
    demo = project(COMPOSE)
    assert prepare_run(demo, RunOptions("job"), pod_mode=None, environ={}).dependencies == (
        "cache",
        "db",
    )
    assert (
        prepare_run(demo, RunOptions("job", no_deps=True), pod_mode=None, environ={}).dependencies
        == ()
    )
    with pytest.raises(ComposerError):
        prepare_run(demo, RunOptions("nope"), pod_mode=None, environ={})
