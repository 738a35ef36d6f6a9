"""`down SERVICE`: the service's containers and those of every service that needs it."""

from __future__ import annotations

from composer.ops.commands.down import Down, DownOptions, needs_from_labels
from composer.ops.state import observe
from tests.unit.ops.conftest import Recorder
from tests.unit.runtime.fakes import FakeRuntime, service_box


def fake() -> FakeRuntime:
    return FakeRuntime().add(
        service_box("p", "db"),
        service_box("p", "api", depends="db:service_started:false"),
        service_box("p", "web", depends="api:service_started:false"),
        service_box("p", "other"),
    )


def test_a_named_service_takes_its_dependents_along() -> None:
    runtime = fake()
    observed = observe(runtime, "p")
    down = Down(runtime, "p", None, DownOptions(services=("api",)), Recorder())
    targets, orphans = down.targets(observed, needs_from_labels(observed.containers))
    assert (targets, orphans) == (["p-api-1", "p-web-1"], [])


def test_down_removes_dependents_first_and_keeps_the_rest() -> None:
    runtime = fake()
    Down(runtime, "p", None, DownOptions(services=("db",)), Recorder()).run()
    assert runtime.ops("stop") == ["p-web-1", "p-api-1", "p-db-1"]
    assert sorted(runtime.boxes) == ["p-other-1"]
