"""`up`'s pod step: containers that must go first, then the pod created, recreated or started.

In `shared` mode the pod's infra container owns the published ports, so it is started on its
own before any service: a taken host port is then reported for the service that publishes it,
instead of Podman's "starting some containers: internal libpod error".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from composer.errors import ComposerError, PortInUseError
from composer.model import Project
from composer.ops.state import ObservedState, labels_tell_needs
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.ordered import needs_of, remove_in_order
from composer.plan.converge import POD_CHANGED, Convergence, PodAction
from composer.progress import Progress
from composer.runtime.base import PodInfo, Runtime

RUNNING_POD_STATES = frozenset({"running", "degraded"})


def port_owner(project: Project, taken: PortInUseError) -> str | None:
    """The service publishing the host port that is taken."""
    for name in sorted(project.services):
        for mapping in project.services[name].ports:
            span = mapping.published_range
            if span and span[0] <= taken.port <= span[1] and mapping.protocol == taken.protocol:
                return name
    return None


def start_infra(
    progress: Progress, line: str, start: Callable[[], None], project: Project | None
) -> None:
    """Start a pod's infra container, shown on `line`; a taken host port names its service."""
    progress.update(line, "Starting")
    try:
        start()
    except PortInUseError as error:
        progress.update(line, "Error")
        owner = port_owner(project, error) if project is not None else None
        if owner is None:
            raise
        raise error.prefixed(f'service "{owner}": ') from None
    except ComposerError:
        progress.update(line, "Error")
        raise
    progress.update(line, "Started")


@dataclass
class PodSteps:
    """Acts on the project's pod for `up`."""

    runtime: Runtime
    progress: Progress
    project: Project
    steps: ContainerSteps
    started_infra: bool = False

    def remove_before(
        self, convergence: Convergence, observed: ObservedState, limit: int | None
    ) -> None:
        """Orphans and surplus replicas go first; a replaced pod takes all its containers along.
        Recreated containers go first too when they move into or out of a pod (in `shared` mode
        the new pod's infra takes over the ports they publish), and podman-compose's (Podman
        refuses to remove one that another `--requires`, so they go in their own order)."""
        names = [a.existing for a in convergence.actions if a.kind == "remove" and a.existing]
        pod = convergence.pod
        if pod is not None and pod.kind in ("recreate", "remove"):
            ids = {p.id for p in observed.pods if p.name == pod.name}
            names += [c.name for c in observed.containers if c.pod and c.pod in ids]
        untold = {c.name for c in observed.containers if not labels_tell_needs(c)}
        moving = [
            a.existing
            for a in convergence.actions
            if a.kind == "recreate"
            and a.existing
            and (a.reason == POD_CHANGED or a.existing in untold)
        ]
        names += moving
        if names:
            remove_in_order(
                self.steps,
                needs_of(self.project),
                observed,
                list(dict.fromkeys(names)),
                limit,
                replaced=moving,
            )

    def apply(self, action: PodAction | None, observed: ObservedState, *, start: bool) -> None:
        if action is None:
            return
        item = f"Pod {action.name}"
        existing = next((p for p in observed.pods if p.name == action.name), None)
        if action.kind in ("recreate", "remove"):
            self.progress.update(item, "Removing")
            self.runtime.remove_pod(action.name, force=True)
            self.progress.update(item, "Removed")
        if action.kind in ("create", "recreate") and action.spec is not None:
            self.progress.update(item, "Creating")
            self.runtime.create_pod(action.spec)
            self.progress.update(item, "Created")
            if start and action.spec.infra:
                self._start(item, lambda: self.runtime.start_pod(action.name))
        elif action.kind == "keep" and start and existing is not None:
            self._start_infra(item, existing, action)

    def _start_infra(self, item: str, pod: PodInfo, action: PodAction) -> None:
        if action.spec is None or not action.spec.infra or not pod.infra_id:
            return
        if pod.state.lower() in RUNNING_POD_STATES:
            return
        self._start(item, lambda: self.runtime.start_container(pod.infra_id))

    def _start(self, item: str, start: Callable[[], None]) -> None:
        start_infra(self.progress, item, start, self.project)
        self.started_infra = True
