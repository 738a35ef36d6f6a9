"""`up` over the fake runtime: the order of its steps, the plan it is given, how failures read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from composer.errors import ComposerError, ConfigError
from composer.ops.commands.up import Up, up
from composer.ops.commands.up_plan import Prepared, UpOptions, prepare
from composer.plan import labels
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import FakeRuntime

COMPOSE = """\
services:
  db:
    image: localhost/db
    healthcheck: {test: ["CMD", "true"], interval: 1s, retries: 1}
  web:
    image: localhost/web
    depends_on:
      db: {condition: service_healthy}
"""
DETACHED = UpOptions(detach=True)


def prepared(project: ProjectLoader, options: UpOptions = DETACHED) -> Prepared:
    return prepare(project(COMPOSE), options, pod_mode=None, environ={})


def test_up_makes_the_pod_then_each_service_once_its_dependency_is_healthy(
    project: ProjectLoader,
) -> None:
    fake = FakeRuntime(images={"localhost/db": "sha256:d", "localhost/web": "sha256:w"})
    assert Up(fake, prepared(project), DETACHED, Recorder()).run() == 0
    assert [call for call in fake.calls if call[0] != "create_network"] == [
        ("create_pod", "pod_demo"),
        ("start_pod", "pod_demo"),
        ("create", "demo-db-1"),
        ("start", "demo-db-1"),
        ("healthcheck", "demo-db-1"),
        ("create", "demo-web-1"),
        ("start", "demo-web-1"),
    ]
    # the image ids are in the labels, so a new image recreates the containers that use it
    assert fake.boxes["demo-web-1"].labels[labels.IMAGE] == "sha256:w"


def test_a_second_up_finds_everything_up_to_date(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    Up(fake, prepared(project), DETACHED, Recorder()).run()
    fake.calls.clear()
    shown = Recorder()
    assert Up(fake, prepared(project), DETACHED, shown).run() == 0
    assert [op for op, _ in fake.calls] == ["healthcheck"]  # web waits for db again
    assert shown.messages == ["Nothing to do: all 2 containers are up to date."]


def test_up_acts_on_the_plan_it_is_given(project: ProjectLoader) -> None:
    given = prepared(project)
    db = given.plan.containers["db"][0]
    marked = replace(db, labels={**db.labels, "test.marker": "given"})
    plan = replace(given.plan, containers={**given.plan.containers, "db": (marked,)})
    fake = FakeRuntime()
    Up(fake, replace(given, plan=plan), UpOptions(no_start=True), Recorder()).run()
    assert fake.boxes["demo-db-1"].labels["test.marker"] == "given"
    assert fake.ops("start") == []


def test_an_unhealthy_dependency_fails_up_and_points_to_its_logs(project: ProjectLoader) -> None:
    fake = FakeRuntime(unhealthy={"demo-db-1"})
    with pytest.raises(ComposerError) as caught:
        Up(fake, prepared(project), DETACHED, Recorder()).run()
    assert caught.value.message == "dependency failed to start: container demo-db-1 is unhealthy"
    assert caught.value.hint == (
        "see the service's logs with `composer logs SERVICE`; fix it and run `up` again"
    )
    assert "demo-web-1" not in fake.boxes


def test_a_failed_step_names_its_service_and_keeps_podmans_hint(project: ProjectLoader) -> None:
    fake = FakeRuntime()
    fake.failures[("create", "demo-db-1")] = ComposerError(
        "container demo-db-1: cannot create: no space left", hint="free some disk space"
    )
    with pytest.raises(ComposerError) as caught:
        Up(fake, prepared(project), DETACHED, Recorder()).run()
    assert caught.value.message == (
        'service "db": container demo-db-1: cannot create: no space left'
    )
    assert caught.value.hint == "free some disk space"


def test_a_refusal_of_the_host_checks_comes_before_any_display(project: ProjectLoader) -> None:
    secret = (
        "services:\n  web:\n    image: x\n    secrets: [token]\n"
        "secrets:\n  token: {external: true}\n"
    )
    given = prepare(project(secret), DETACHED, pod_mode=None, environ={})
    shown: list[Recorder] = []

    def display() -> Recorder:
        shown.append(Recorder())
        return shown[-1]

    with pytest.raises(ConfigError, match="token"):
        up(FakeRuntime(), given, DETACHED, display)
    assert shown == []
    assert up(FakeRuntime(), prepared(project), DETACHED, display) == 0
    assert len(shown) == 1
