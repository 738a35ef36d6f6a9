"""One container's steps over the fake runtime: what is asked of Podman, and what is shown."""

from __future__ import annotations

import pytest

from composer.errors import RuntimeOperationError
from composer.ops.steps.containers import ContainerSteps
from composer.runtime.base import MountInfo
from composer.specs import ContainerSpec, MountSpec
from tests.unit.ops.conftest import Recorder
from tests.unit.runtime.fakes import DATA, Box, FakeRuntime

ANONYMOUS = MountSpec("volume", "/cache")
NAMED = MountSpec("volume", "/data", source="p_data")


def test_create_then_start_is_shown_on_the_containers_line() -> None:
    fake, shown = FakeRuntime(), Recorder()
    ContainerSteps(fake, shown).create(ContainerSpec("p-web-1", "img"), start=True)
    assert fake.calls == [("create", "p-web-1"), ("start", "p-web-1")]
    assert shown.statuses("Container p-web-1") == ["Creating", "Created", "Starting", "Started"]
    assert fake.boxes["p-web-1"].state == "running"


def test_recreate_keeps_the_anonymous_volume_and_stops_the_old_one_first() -> None:
    old = Box("p-web-1", {}, mounts=(MountInfo("volume", "/cache", name="anon-old"), DATA))
    fake, shown = FakeRuntime().add(old), Recorder()
    spec = ContainerSpec("p-web-1", "img", mounts=(ANONYMOUS, NAMED))
    ContainerSteps(fake, shown, timeout=3).recreate(spec, "p-web-1", start=False)
    assert fake.calls == [
        ("stop", "p-web-1 -t 3"),
        ("remove", "p-web-1 volumes=False"),
        ("create", "p-web-1"),
    ]
    cache = next(m for m in fake.boxes["p-web-1"].mounts if m.destination == "/cache")
    assert cache.name == "anon-old"  # the new container mounts the old one's data
    assert shown.statuses("Container p-web-1") == ["Recreate", "Recreated"]


def test_remove_stops_a_running_container_and_skips_a_gone_one() -> None:
    fake = FakeRuntime().add(Box("p-web-1", {}), Box("p-db-1", {}, state="exited"))
    steps = ContainerSteps(fake, Recorder())
    steps.remove("p-web-1")
    steps.remove("p-db-1", volumes=True)
    steps.remove("p-gone-1")
    assert fake.calls == [
        ("stop", "p-web-1"),
        ("remove", "p-web-1 volumes=False"),
        ("remove", "p-db-1 volumes=True"),
    ]


def test_a_failed_step_shows_podmans_words_without_the_containers_name() -> None:
    fake, shown = FakeRuntime().add(Box("p-web-1", {}, state="created")), Recorder()
    fake.failures[("start", "p-web-1")] = RuntimeOperationError(
        "container p-web-1: cannot start: no such file\nmore"
    )
    with pytest.raises(RuntimeOperationError):
        ContainerSteps(fake, shown).start("p-web-1")
    assert shown.updates[-1] == ("Container p-web-1", "Error", "cannot start: no such file")
