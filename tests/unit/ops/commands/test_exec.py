"""`exec`'s choice of container and its errors, over the fake runtime."""

from __future__ import annotations

import pytest

from composer.errors import ComposerError
from composer.ops.commands.exec import ExecOptions, exec_target, run_exec
from composer.ops.view import ProjectView
from composer.plan import labels
from composer.runtime.base import ExecRequest
from tests.unit.ops.conftest import ProjectLoader
from tests.unit.runtime.fakes import Box, FakeRuntime, service_box

COMPOSE = """\
services:
  web:
    image: localhost/web
  db:
    image: localhost/db
"""


def one_off(project: str, service: str, state: str = "running") -> Box:
    box = service_box(project, service, state=state)
    box.name = f"{project}-{service}-run-0123456789ab"
    box.labels[labels.ONEOFF] = "True"
    del box.labels[labels.CONTAINER_NUMBER]
    return box


def view_of(fake: FakeRuntime, project: ProjectLoader | None = None) -> ProjectView:
    return ProjectView.load(fake, "demo", project(COMPOSE) if project else None)


def test_the_first_running_replica_then_index(project: ProjectLoader) -> None:
    fake = FakeRuntime().add(
        service_box("demo", "web", 1, state="exited"),
        service_box("demo", "web", 2),
        service_box("demo", "web", 3),
    )
    view = view_of(fake, project)
    assert exec_target(view, "web", None) == "demo-web-2"
    assert exec_target(view, "web", 3) == "demo-web-3"


def test_a_running_one_off_comes_after_the_replicas(project: ProjectLoader) -> None:
    fake = FakeRuntime().add(one_off("demo", "web"))
    assert exec_target(view_of(fake, project), "web", None) == "demo-web-run-0123456789ab"
    fake.add(service_box("demo", "web", 1))
    assert exec_target(view_of(fake, project), "web", None) == "demo-web-1"


def test_errors_use_docker_composes_words(project: ProjectLoader) -> None:
    fake = FakeRuntime().add(service_box("demo", "web", 1, state="exited"))
    with pytest.raises(ComposerError) as stopped:
        exec_target(view_of(fake, project), "web", None)
    assert stopped.value.message == 'service "web" is not running'
    assert stopped.value.hint == "start it first: `composer start web`"
    with pytest.raises(ComposerError) as missing:
        exec_target(view_of(fake, project), "db", None)
    assert missing.value.hint == "start it first: `composer up -d db`"
    fake.add(service_box("demo", "web", 2))
    with pytest.raises(ComposerError) as index:
        exec_target(view_of(fake, project), "web", 3)
    assert index.value.message == 'service "web" is not running container #3'
    assert index.value.hint == "running: #2; choose one with --index"
    with pytest.raises(ComposerError) as unknown:
        exec_target(view_of(fake, project), "nope", None)
    assert unknown.value.message == "no such service: nope"


def test_without_a_file_the_labels_name_the_services() -> None:
    fake = FakeRuntime().add(service_box("demo", "web", 1), service_box("other", "db"))
    assert exec_target(view_of(fake), "web", None) == "demo-web-1"
    with pytest.raises(ComposerError) as unknown:
        exec_target(view_of(fake), "db", None)
    assert unknown.value.message == "no such service: db"


def test_run_exec_returns_the_commands_code(project: ProjectLoader) -> None:
    fake = FakeRuntime(exec_codes={"demo-web-1": 3}).add(service_box("demo", "web", 1))
    request = ExecRequest(("sh", "-c", "exit 3"), tty=True)
    assert run_exec(fake, view_of(fake, project), ExecOptions("web", request)) == 3
    assert fake.exec_requests == [("demo-web-1", request)]
