"""A project's containers stopped or removed dependents first: the executor's graph in reverse."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping

from composer.errors import NotFoundError
from composer.execute import Edge, run_graph
from composer.model import Project
from composer.ops.results import raise_failures
from composer.ops.state import ObservedState, labels_tell_needs
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.hooks import services_of_plan
from composer.plan import labels
from composer.plan.translate import ProjectPlan
from composer.progress import Progress
from composer.runtime.base import ContainerInfo, Runtime


def needs_of(project: Project) -> dict[str, list[str]]:
    """service -> the services it needs, from the model."""
    return {
        name: [dep.service for dep in service.dependencies()]
        for name, service in project.services.items()
    }


def engine_needs(runtime: Runtime, containers: Iterable[ContainerInfo]) -> dict[str, list[str]]:
    """container -> those of `containers` that Podman ties it to, for the containers whose labels
    do not tell (podman-compose's): Podman refuses to remove a container another one requires."""
    chosen = list(containers)
    names = {info.id: info.name for info in chosen}
    found: dict[str, list[str]] = {}
    for info in chosen:
        if labels_tell_needs(info):
            continue
        try:
            details = runtime.inspect_container(info.name)
        except NotFoundError:
            continue
        found[info.name] = [names[dep] for dep in details.dependencies if dep in names]
    return found


def remove_in_order(
    steps: ContainerSteps,
    needs: Mapping[str, Collection[str]],
    observed: ObservedState,
    names: list[str],
    limit: int | None,
    *,
    volumes: bool = False,
    replaced: Collection[str] = (),
) -> None:
    """Stop and remove containers, dependents first (the executor, in reverse).

    `needs` maps a service to the services it needs; containers are matched by service label.
    Containers Podman ties together (`engine_needs`) go in that order too. `replaced` are those
    a recreate of this run follows (see `ContainerSteps.remove`).
    """
    info = {c.name: c for c in observed.containers if c.name in names}
    by_service: dict[str, list[str]] = {}
    for name, record in info.items():
        by_service.setdefault(record.labels.get(labels.SERVICE, ""), []).append(name)
    tied = engine_needs(steps.runtime, info.values())

    def edges(name: str) -> Iterator[Edge[str]]:
        targets = [
            *(
                target
                for service in needs.get(info[name].labels.get(labels.SERVICE, ""), ())
                for target in by_service.get(service, [])
            ),
            *tied.get(name, ()),
        ]
        for target in dict.fromkeys(targets):
            if target != name:
                yield Edge(target)

    def work(name: str) -> None:
        steps.remove(name, state=info[name].state, volumes=volumes, replacing=name in replaced)

    results = run_graph(list(info), edges, work, limit=limit, reverse=True)
    raise_failures(results)


def stop_project(
    runtime: Runtime,
    project: Project,
    plan: ProjectPlan,
    services: Iterable[str],
    progress: Progress,
    *,
    force: bool = False,
    timeout: int | None = None,
) -> None:
    """Stop (or kill) the services' running containers, dependents first."""
    steps = ContainerSteps(runtime, progress, timeout, services=services_of_plan(project, plan))
    chosen = [s for s in services if s in plan.containers]

    def needs(service: str) -> list[Edge[str]]:
        return [Edge(dep.service) for dep in project.services[service].dependencies()]

    def work(service: str) -> None:
        for spec in plan.containers[service]:
            if not runtime.container_exists(spec.name):
                continue
            if runtime.container_state(spec.name).running:
                (steps.kill if force else steps.stop)(spec.name)

    run_graph(chosen, needs, work, reverse=True)
