"""`down`: dependents first (`down SERVICE` takes them along), podman-compose's stacks
included; one-off containers go with their service."""

from __future__ import annotations

from composer.ops.commands.down import Down, DownOptions, needs_from_labels
from composer.ops.state import observe
from composer.plan import labels
from composer.runtime.base import NetworkInfo, PodInfo
from tests.unit.ops.conftest import ProjectLoader, Recorder
from tests.unit.runtime.fakes import Box, FakeRuntime, podman_compose_box, service_box


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


def podman_compose_stack() -> FakeRuntime:
    runtime = FakeRuntime().add(
        podman_compose_box("p", "db", pod="pc1"),
        podman_compose_box("p", "api", "p_db_1", pod="pc1"),
        podman_compose_box("p", "web", "p_api_1", "p_db_1", pod="pc1"),
    )
    members = ("p_db_1", "p_api_1", "p_web_1")
    runtime.pods.append(PodInfo("pod_p", "pc1", {}, "Running", "", members))
    runtime.networks["p_default"] = NetworkInfo("p_default", "n1", {labels.PROJECT: "p"}, "")
    return runtime


def test_down_by_name_removes_a_podman_compose_stack_in_podmans_order() -> None:
    runtime = podman_compose_stack()
    shown = Recorder()
    Down(runtime, "p", None, DownOptions(), shown).run()
    assert runtime.ops("remove") == [
        "p_web_1 volumes=False",
        "p_api_1 volumes=False",
        "p_db_1 volumes=False",
    ]
    assert runtime.boxes == {}
    assert runtime.ops("remove_pod") == ["pod_p"]
    assert runtime.ops("remove_network") == ["p_default"]
    assert "Error" not in [status for _item, status, _detail in shown.updates]


def test_a_compose_file_that_says_less_than_podman_still_removes_in_podmans_order(
    project: ProjectLoader,
) -> None:
    runtime = podman_compose_stack()
    model = project("services:\n  db: {image: x}\n  api: {image: x}\n  web: {image: x}\n", name="p")
    Down(runtime, "p", model, DownOptions(), Recorder()).run()
    assert runtime.ops("remove")[-1] == "p_db_1 volumes=False"
    assert runtime.boxes == {}
    assert runtime.pods == []


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
