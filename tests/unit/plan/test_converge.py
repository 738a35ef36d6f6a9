"""Convergence decisions: the plan against what the labels say exists."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import pytest

from composer.model import Project
from composer.plan import labels
from composer.plan.converge import (
    ContainerAction,
    ConvergeOptions,
    ObservedContainer,
    ObservedPod,
    converge,
)
from composer.plan.translate import ProjectPlan, plan_project
from composer.runtime.base import ContainerInfo, PodInfo

ProjectLoader = Callable[..., Project]  # the `project` fixture of conftest.py

STACK = """
services:
  db: {image: postgres}
  api: {image: api, depends_on: {db: {condition: service_started, restart: true}}}
  web: {image: web, depends_on: {api: {condition: service_started, restart: true}}}
  worker: {image: worker, depends_on: [db]}
"""


def make_plan(
    project: ProjectLoader, text: str = STACK, mode: str = "shared", **kwargs: object
) -> ProjectPlan:
    return plan_project(project(text), pod_mode=mode, **kwargs)  # type: ignore[arg-type]


def running(plan: ProjectPlan, state: str = "running") -> list[ObservedContainer]:
    """What exists after a successful `up` of `plan`."""
    return [
        ObservedContainer(spec.name, dict(spec.labels), state)
        for specs in plan.containers.values()
        for spec in specs
    ]


def current_pod(plan: ProjectPlan) -> ObservedPod | None:
    return ObservedPod(plan.pod.name, dict(plan.pod.labels)) if plan.pod else None


def changed(records: list[ObservedContainer], name: str, **labels_: str) -> list[ObservedContainer]:
    """`records` with new label values on the container called `name`."""
    return [replace(r, labels={**r.labels, **labels_}) if r.name == name else r for r in records]


def kinds(result_actions: tuple[ContainerAction, ...]) -> dict[str, str]:
    return {action.name: action.kind for action in result_actions}


def test_nothing_exists_creates_everything(project: ProjectLoader) -> None:
    plan = make_plan(project)
    result = converge(plan, [], None)
    assert result.pod is not None
    assert (result.pod.kind, result.pod.spec) == ("create", plan.pod)
    assert [(a.kind, a.name, a.start) for a in result.actions] == [
        ("create", "demo-db-1", True),
        ("create", "demo-api-1", True),
        ("create", "demo-web-1", True),
        ("create", "demo-worker-1", True),
    ]
    assert all(a.spec is not None for a in result.actions)
    assert result.warnings == ()


def test_second_up_is_all_noop(project: ProjectLoader) -> None:
    plan = make_plan(project)
    result = converge(plan, running(plan), current_pod(plan))
    assert result.pod is not None
    assert result.pod.kind == "keep"
    assert {a.kind for a in result.actions} == {"noop"}
    assert result.warnings == ()


def test_stopped_unchanged_containers_start(project: ProjectLoader) -> None:
    plan = make_plan(project)
    result = converge(plan, running(plan, "exited"), current_pod(plan))
    assert set(result.kinds.values()) == {"start"}
    assert result.kinds == kinds(result.actions)


def test_config_change_recreates_and_restarts_dependents(project: ProjectLoader) -> None:
    plan = make_plan(project)
    records = changed(running(plan), "demo-db-1", **{labels.CONFIG_HASH: "old"})
    result = converge(plan, records, current_pod(plan))
    assert result.kinds == {
        "demo-db-1": "recreate",
        "demo-api-1": "restart",
        "demo-web-1": "restart",
        "demo-worker-1": "noop",
    }
    db, api, web = result.actions[:3]
    assert (db.reason, db.existing, db.spec) == (
        "configuration changed",
        "demo-db-1",
        plan.containers["db"][0],
    )
    assert api.reason == 'dependency "db" was recreated'
    assert web.reason == 'dependency "api" was restarted'


def test_a_stopped_dependent_just_starts(project: ProjectLoader) -> None:
    plan = make_plan(project)
    records = changed(running(plan), "demo-db-1", **{labels.CONFIG_HASH: "old"})
    records = [replace(r, state="exited") if r.name == "demo-api-1" else r for r in records]
    result = converge(plan, records, current_pod(plan))
    assert result.kinds["demo-api-1"] == "start"
    # api did not restart, so nothing tells web to
    assert result.kinds["demo-web-1"] == "noop"


def test_image_change_recreates(project: ProjectLoader) -> None:
    plan = make_plan(project)
    records = changed(running(plan), "demo-web-1", **{labels.IMAGE: "sha256:old"})
    result = converge(plan, records, current_pod(plan), image_ids={"web": "sha256:new"})
    assert result.kinds["demo-web-1"] == "recreate"
    assert result.for_service("web")[0].reason == "image changed"
    same = changed(running(plan), "demo-web-1", **{labels.IMAGE: "sha256:new"})
    assert converge(plan, same, current_pod(plan), image_ids={"web": "sha256:new"}).kinds[
        "demo-web-1"
    ] == ("noop")


def test_image_id_of_the_record_without_label(project: ProjectLoader) -> None:
    plan = make_plan(project)
    records = [replace(r, image_id="sha256:old") for r in running(plan)]
    result = converge(plan, records, current_pod(plan), image_ids={"db": "sha256:new"})
    assert result.kinds["demo-db-1"] == "recreate"


def test_pod_change_recreates_pod_and_every_container(project: ProjectLoader) -> None:
    plan = make_plan(project)
    pod = ObservedPod("pod_demo", {**plan.pod.labels, labels.POD_HASH: "old"} if plan.pod else {})
    orphan = ObservedContainer("demo-gone-1", {labels.PROJECT: "demo", labels.SERVICE: "gone"})
    result = converge(plan, [*running(plan), orphan], pod, ConvergeOptions(selected=("web",)))
    assert result.pod is not None
    assert (result.pod.kind, result.pod.reason) == ("recreate", "pod configuration changed")
    assert result.kinds == {
        "demo-gone-1": "remove",
        "demo-db-1": "recreate",
        "demo-api-1": "recreate",
        "demo-web-1": "recreate",
        "demo-worker-1": "recreate",
    }
    assert result.actions[0].reason == "orphan in the replaced pod"
    assert {a.reason for a in result.actions[1:]} == {"pod changed"}
    assert result.warnings == ()


def test_pod_missing_while_containers_exist(project: ProjectLoader) -> None:
    plan = make_plan(project)
    result = converge(plan, running(plan), None)
    assert result.pod is not None
    assert result.pod.kind == "create"
    assert set(result.kinds.values()) == {"recreate"}


def test_no_recreate_leaves_containers_outside_a_new_pod(project: ProjectLoader) -> None:
    plan = make_plan(project)
    result = converge(plan, running(plan), None, ConvergeOptions(no_recreate=True))
    assert result.pod is not None
    assert result.pod.kind == "create"
    assert set(result.kinds.values()) == {"noop"}


def test_none_mode_removes_the_old_pod(project: ProjectLoader) -> None:
    shared = make_plan(project)
    plan = make_plan(project, mode="none")
    result = converge(plan, running(shared), current_pod(shared))
    assert result.pod is not None
    assert (result.pod.kind, result.pod.name) == ("remove", "pod_demo")
    assert set(result.kinds.values()) == {"recreate"}
    assert converge(plan, running(plan), None).pod is None


def test_no_recreate_keeps_changed_containers_and_pod(project: ProjectLoader) -> None:
    plan = make_plan(project)
    records = changed(running(plan), "demo-db-1", **{labels.CONFIG_HASH: "old"})
    pod = ObservedPod("pod_demo", {labels.POD_HASH: "old"})
    result = converge(plan, records, pod, ConvergeOptions(no_recreate=True))
    assert result.pod is not None
    assert result.pod.kind == "keep"
    assert set(result.kinds.values()) == {"noop"}
    kept = {a.name: a.reason for a in result.actions}
    assert kept["demo-db-1"] == "changed, kept by --no-recreate"
    assert kept["demo-web-1"] == ""


def test_force_recreate_targets_only(project: ProjectLoader) -> None:
    plan = make_plan(project)
    options = ConvergeOptions(selected=("api",), force_recreate=True)
    result = converge(plan, running(plan), current_pod(plan), options)
    # api's scope is api and db; web restarts because api was recreated
    assert result.kinds == {"demo-db-1": "noop", "demo-api-1": "recreate", "demo-web-1": "restart"}
    assert result.for_service("api")[0].reason == "forced"


def test_always_recreate_deps(project: ProjectLoader) -> None:
    plan = make_plan(project)
    options = ConvergeOptions(selected=("worker",), always_recreate_deps=True)
    result = converge(plan, running(plan), current_pod(plan), options)
    assert result.kinds == {
        "demo-db-1": "recreate",
        "demo-api-1": "restart",
        "demo-web-1": "restart",
        "demo-worker-1": "noop",
    }


def test_selection_includes_dependencies(project: ProjectLoader) -> None:
    plan = make_plan(project)
    result = converge(plan, [], current_pod(plan), ConvergeOptions(selected=("web",)))
    assert list(result.kinds) == ["demo-db-1", "demo-api-1", "demo-web-1"]


def test_no_deps(project: ProjectLoader) -> None:
    plan = make_plan(project)
    options = ConvergeOptions(selected=("web",), no_deps=True)
    assert list(converge(plan, [], current_pod(plan), options).kinds) == ["demo-web-1"]


def test_scale_down_removes_highest_numbers_first(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x}\n"
    plan = make_plan(project, text, mode="none", scales={"web": 2})
    records = running(make_plan(project, text, mode="none", scales={"web": 4}))
    result = converge(plan, records, None)
    assert [(a.kind, a.name, a.number) for a in result.actions] == [
        ("remove", "demo-web-4", 4),
        ("remove", "demo-web-3", 3),
        ("noop", "demo-web-1", 1),
        ("noop", "demo-web-2", 2),
    ]
    assert result.actions[0].reason == "scaled down"


def test_scale_up_fills_missing_numbers(project: ProjectLoader) -> None:
    text = "services:\n  web: {image: x}\n"
    plan = make_plan(project, text, mode="none", scales={"web": 3})
    records = [r for r in running(plan) if r.name != "demo-web-2"]
    result = converge(plan, records, None)
    assert result.kinds == {"demo-web-1": "noop", "demo-web-2": "create", "demo-web-3": "noop"}


ORPHANS = "services:\n  web: {image: x}\n  debug: {image: x, profiles: [debug]}\n"


def orphan_records() -> list[ObservedContainer]:
    project_labels = {labels.PROJECT: "demo"}
    return [
        ObservedContainer("demo-old-1", {**project_labels, labels.SERVICE: "old"}),
        ObservedContainer("demo-gone-1", {**project_labels, labels.SERVICE: "gone"}, "exited"),
        ObservedContainer("demo-debug-1", {**project_labels, labels.SERVICE: "debug"}),
        ObservedContainer(
            "demo-web-run-abc",
            {**project_labels, labels.SERVICE: "web", labels.ONEOFF: "True"},
            "exited",
        ),
        ObservedContainer(
            "demo-web-run-def",
            {**project_labels, labels.SERVICE: "web", labels.ONEOFF: "True"},
        ),
        ObservedContainer("other-old-1", {labels.PROJECT: "other", labels.SERVICE: "old"}),
    ]


def test_orphans_are_warned_about(project: ProjectLoader) -> None:
    plan = make_plan(project, ORPHANS, mode="none")
    result = converge(plan, [*running(plan), *orphan_records()], None)
    assert result.orphans == ("demo-gone-1", "demo-old-1", "demo-web-run-abc")
    assert result.warnings == (
        "Found orphan containers ([demo-gone-1 demo-old-1 demo-web-run-abc]) for this project. "
        "If you removed or renamed this service in your compose file, you can run this command "
        "with the --remove-orphans flag to clean it up.",
    )
    assert result.kinds == {"demo-web-1": "noop"}


def test_remove_orphans(project: ProjectLoader) -> None:
    plan = make_plan(project, ORPHANS, mode="none")
    options = ConvergeOptions(remove_orphans=True)
    result = converge(plan, [*running(plan), *orphan_records()], None, options)
    assert [(a.kind, a.name, a.reason) for a in result.actions] == [
        ("remove", "demo-gone-1", "orphan"),
        ("remove", "demo-old-1", "orphan"),
        ("remove", "demo-web-run-abc", "orphan"),
        ("noop", "demo-web-1", ""),
    ]
    assert result.warnings == ()


def test_ignore_orphans(project: ProjectLoader) -> None:
    plan = make_plan(project, ORPHANS, mode="none")
    options = ConvergeOptions(ignore_orphans=True)
    assert converge(plan, orphan_records(), None, options).warnings == ()


def test_no_start(project: ProjectLoader) -> None:
    plan = make_plan(project)
    options = ConvergeOptions(no_start=True)
    created = converge(plan, [], None, options)
    assert {(a.kind, a.start) for a in created.actions} == {("create", False)}
    stopped = converge(plan, running(plan, "exited"), current_pod(plan), options)
    assert set(stopped.kinds.values()) == {"noop"}
    records = changed(running(plan), "demo-db-1", **{labels.CONFIG_HASH: "old"})
    result = converge(plan, records, current_pod(plan), options)
    assert result.kinds["demo-api-1"] == "noop"
    assert result.for_service("db")[0].start is False


def test_dependents_outside_the_scope_restart(project: ProjectLoader) -> None:
    plan = make_plan(project)
    records = changed(running(plan), "demo-db-1", **{labels.CONFIG_HASH: "old"})
    options = ConvergeOptions(selected=("db",))
    result = converge(plan, records, current_pod(plan), options)
    assert [(a.kind, a.name) for a in result.actions] == [
        ("recreate", "demo-db-1"),
        ("restart", "demo-api-1"),
        ("restart", "demo-web-1"),
    ]


def test_podman_compose_containers_are_adopted_and_recreated(project: ProjectLoader) -> None:
    plan = make_plan(project, "services:\n  web: {image: x}\n", mode="none")
    record = ObservedContainer(
        "demo_web_1",
        {labels.PODMAN_PROJECT: "demo", labels.PODMAN_SERVICE: "web", labels.CONTAINER_NUMBER: "1"},
    )
    result = converge(plan, [record], None)
    assert [(a.kind, a.name, a.existing) for a in result.actions] == [
        ("recreate", "demo-web-1", "demo_web_1")
    ]


def test_runtime_records_are_accepted(project: ProjectLoader) -> None:
    plan = make_plan(project, "services:\n  web: {image: x}\n")
    spec = plan.containers["web"][0]
    info = ContainerInfo(
        name=spec.name,
        id="c1",
        labels=dict(spec.labels),
        state="exited",
        health="",
        exit_code=0,
        image="x",
        image_id="sha256:1",
        created="",
        pod="p1",
    )
    assert plan.pod is not None
    pod = PodInfo("pod_demo", "p1", dict(plan.pod.labels), "Exited", "i1", ("c1",))
    result = converge(plan, [info], pod, image_ids={"web": "sha256:1"})
    assert result.pod is not None
    assert result.pod.kind == "keep"
    assert result.kinds == {"demo-web-1": "start"}


@pytest.mark.parametrize("state", ["running", "paused", "restarting", "Running"])
def test_up_states_are_noop(project: ProjectLoader, state: str) -> None:
    plan = make_plan(project, "services:\n  web: {image: x}\n", mode="none")
    assert converge(plan, running(plan, state), None).kinds == {"demo-web-1": "noop"}


def label_map(action: ContainerAction) -> Mapping[str, str]:
    assert action.spec is not None
    return action.spec.labels


def test_recreated_specs_carry_the_new_hash(project: ProjectLoader) -> None:
    plan = make_plan(project, "services:\n  web: {image: x}\n", mode="none")
    records = changed(running(plan), "demo-web-1", **{labels.CONFIG_HASH: "old"})
    action = converge(plan, records, None).actions[0]
    assert (
        label_map(action)[labels.CONFIG_HASH]
        == plan.containers["web"][0].labels[labels.CONFIG_HASH]
    )


def test_the_nothing_to_do_line_names_what_no_recreate_kept(project: ProjectLoader) -> None:
    from composer.ops.commands.up import nothing_to_do

    plan = make_plan(project)
    same = converge(plan, running(plan), current_pod(plan))
    assert nothing_to_do(same) == "Nothing to do: all 4 containers are up to date."
    records = changed(running(plan), "demo-db-1", **{labels.CONFIG_HASH: "old"})
    kept = converge(plan, records, current_pod(plan), ConvergeOptions(no_recreate=True))
    assert nothing_to_do(kept) == (
        "Nothing to do: 3 containers are up to date, 1 kept as they are by --no-recreate "
        "although the file changed them (demo-db-1)."
    )
