"""`up` over a stack podman-compose made, over the fake runtime: its containers are replaced."""

from __future__ import annotations

from composer.ops.commands.up import Up
from composer.ops.commands.up_plan import UpOptions, prepare
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import FakeRuntime, podman_compose_box

COMPOSE = """\
services:
  db:
    image: localhost/db
  web:
    image: localhost/web
    depends_on: [db]
"""
DETACHED = UpOptions(detach=True)


def test_up_replaces_podman_compose_containers_that_require_each_other(
    project: ProjectLoader,
) -> None:
    # podman-compose --in-pod=false: no pod; web `--requires` db, so db cannot go first.
    fake = FakeRuntime().add(
        podman_compose_box("demo", "db"), podman_compose_box("demo", "web", "demo_db_1")
    )
    prepared = prepare(project(COMPOSE), DETACHED, pod_mode="none", environ={})
    assert Up(fake, prepared, DETACHED, Recorder()).run() == 0
    assert sorted(fake.boxes) == ["demo-db-1", "demo-web-1"]
    assert fake.ops("remove") == ["demo_web_1 volumes=False", "demo_db_1 volumes=False"]
    assert fake.ops("create") == ["demo-db-1", "demo-web-1"]
