"""`down SERVICE`: the service's containers and those of every service that needs it; one-off
containers go with their service."""

from __future__ import annotations

from composer.ops.commands.down import Down, DownOptions, needs_from_labels
from composer.ops.state import observe
from composer.plan import labels
from tests.unit.ops.conftest import Recorder
from tests.unit.runtime.fakes import Box, FakeRuntime, service_box


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


def one_off(project: str, service: str) -> Box:
    box = service_box(project, service)
    box.name = f"{project}-{service}-run-0123456789ab"
    box.labels[labels.ONEOFF] = "True"
    del box.labels[labels.CONTAINER_NUMBER]
    return box


def test_one_off_containers_go_with_their_service() -> None:
    runtime = fake().add(one_off("p", "api"), one_off("p", "gone"))
    observed = observe(runtime, "p")
    needs = needs_from_labels(observed.containers)
    everything = Down(runtime, "p", None, DownOptions(), Recorder())
    targets, _ = everything.targets(observed, needs)
    assert "p-api-run-0123456789ab" in targets
    # From the labels alone, a service known only by its one-off container is the project's too.
    assert "p-gone-run-0123456789ab" in targets
    named = Down(runtime, "p", None, DownOptions(services=("web",)), Recorder())
    assert named.targets(observed, needs)[0] == ["p-web-1"]
    Down(runtime, "p", None, DownOptions(), Recorder()).run()
    assert runtime.boxes == {}
