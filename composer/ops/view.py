"""A project as the lifecycle commands see it: its service containers, found by labels, and what
each service needs, from the compose file when there is one, else from the containers' labels.

`start`, `stop`, `restart`, `ps`, `logs`, `pause`, `unpause`, `kill` and `rm` act on containers
that exist; they never create anything, so the model is only needed for names and dependencies.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from composer.errors import ComposerError
from composer.execute import Edge
from composer.graph import closure, reverse_edges
from composer.model import Project
from composer.model.parts import SERVICE_STARTED
from composer.ops.state import ObservedState, container_number, is_oneoff, observe
from composer.ops.steps.containers import ACTIVE_STATES
from composer.plan import labels, names
from composer.runtime.base import ContainerInfo, PodInfo, Runtime

# Podman states that docker calls otherwise (docker compose's --status values are docker's).
DOCKER_STATES = {
    "configured": "created",
    "initialized": "created",
    "stopped": "exited",
    "stopping": "running",  # still running until it has stopped, as docker reports it
}


def docker_state(state: str) -> str:
    """The docker name of a Podman container state: `configured` is `created`, and so on."""
    lowered = state.lower()
    return DOCKER_STATES.get(lowered, lowered)


def is_active(info: ContainerInfo) -> bool:
    """Running, paused, restarting or stopping: what `stop` has to stop."""
    return info.state.lower() in ACTIVE_STATES


@dataclass(frozen=True)
class Need:
    """One service another service needs, with the depends_on settings that matter here."""

    service: str
    condition: str = SERVICE_STARTED
    required: bool = True
    restart: bool = False


def needs_from_model(project: Project) -> dict[str, tuple[Need, ...]]:
    """service -> what it needs, from the compose file."""
    return {
        name: tuple(
            Need(dep.service, dep.condition, dep.required, dep.restart)
            for dep in service.dependencies()
        )
        for name, service in project.services.items()
    }


def parse_depends_label(text: str) -> tuple[Need, ...]:
    """`db:service_healthy:false,cache:service_started:true` -> Needs (required is not stored)."""
    found: list[Need] = []
    for part in text.split(","):
        service, _, rest = part.strip().partition(":")
        if not service:
            continue
        condition, _, restart = rest.partition(":")
        found.append(Need(service, condition or SERVICE_STARTED, True, restart == "true"))
    return tuple(found)


def needs_from_labels(containers: Iterable[ContainerInfo]) -> dict[str, tuple[Need, ...]]:
    """service -> what it needs, read from the depends_on label of its containers."""
    found: dict[str, dict[str, Need]] = {}
    for info in containers:
        if is_oneoff(info):
            continue
        service = info.labels.get(labels.SERVICE, "")
        entries = found.setdefault(service, {})
        for need in parse_depends_label(info.labels.get(labels.DEPENDS_ON, "")):
            entries.setdefault(need.service, need)
    return {service: tuple(needs.values()) for service, needs in found.items()}


def log_label(info: ContainerInfo) -> str:
    """How a container is shown in log prefixes: `web-1`, or its own container_name."""
    project = info.labels.get(labels.PROJECT, "")
    service = info.labels.get(labels.SERVICE, "")
    default = names.container_name(project, service, container_number(info))
    if info.name != default or is_oneoff(info):
        return info.name
    return f"{service}-{container_number(info)}"


@dataclass
class ProjectView:
    """A project's service containers (one-offs apart) and the dependencies between services."""

    name: str
    project: Project | None
    observed: ObservedState
    needs: Mapping[str, tuple[Need, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, runtime: Runtime, name: str, project: Project | None) -> ProjectView:
        observed = observe(runtime, name, resources=False)
        needs = needs_from_model(project) if project else needs_from_labels(observed.containers)
        return cls(name, project, observed, needs)

    @property
    def services(self) -> list[str]:
        """The project's services: the file's enabled ones, else those the labels name."""
        if self.project is not None:
            return sorted(self.project.services)
        return sorted(self.observed.by_service())

    @property
    def pods(self) -> list[PodInfo]:
        return self.observed.pods

    def containers(self, service: str) -> list[ContainerInfo]:
        """The service's containers in replica order (one-offs excluded)."""
        return self.observed.by_service().get(service, [])

    def oneoffs(self) -> list[ContainerInfo]:
        return sorted((c for c in self.observed.containers if is_oneoff(c)), key=lambda c: c.name)

    def orphans(self) -> list[ContainerInfo]:
        """Service containers whose service is not in the compose file (none without a file)."""
        if self.project is None:
            return []
        known = set(self.project.services) | set(self.project.disabled)
        return [
            info
            for service, found in self.observed.by_service().items()
            if service not in known
            for info in found
        ]

    def require(self, chosen: Iterable[str]) -> list[str]:
        """The named services, checked: without a file, a service is known by its containers."""
        wanted = list(dict.fromkeys(chosen))
        known = set(self.services)
        for service in wanted:
            if service not in known:
                if self.project is not None:
                    self.project.service(service)
                raise ComposerError(f"no such service: {service}")
        return wanted

    def with_dependencies(self, chosen: Collection[str]) -> list[str]:
        """The chosen services and everything they need, transitively (all when none chosen)."""
        if not chosen:
            return self.services
        return sorted(closure(self._need_edges(restart_only=False), chosen))

    def with_dependents(self, chosen: Collection[str], *, restart_only: bool) -> list[str]:
        """The chosen services and every service that needs them (by restart edges only)."""
        return sorted(closure(reverse_edges(self._need_edges(restart_only=restart_only)), chosen))

    def _need_edges(self, *, restart_only: bool) -> dict[str, list[str]]:
        """service -> the services it needs (by restart edges only), among the known ones."""
        known = set(self.services)
        return {
            service: [
                need.service
                for need in self.needs.get(service, ())
                if need.service in known and (need.restart or not restart_only)
            ]
            for service in known
        }

    def edges(
        self,
        service: str,
        waiter: Callable[[str], Callable[[str], None] | None] | None = None,
        *,
        restart_only: bool = False,
    ) -> Iterator[Edge[str]]:
        """The executor's edges of `service`; `waiter(condition)` gives each its wait."""
        for need in self.needs.get(service, ()):
            if restart_only and not need.restart:
                continue
            wait = waiter(need.condition) if waiter is not None else None
            yield Edge(need.service, wait=wait, required=need.required, condition=need.condition)
