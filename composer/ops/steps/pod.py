"""`up`'s pod step: containers that must go first, then the pod created, recreated or started.

In `shared` mode the pod's infra container owns the published ports, so it is started on its
own before any service: a taken host port is then reported for the service that publishes it,
instead of Podman's "starting some containers: internal libpod error".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from composer.errors import ComposerError
from composer.model import Project
from composer.ops.state import ObservedState
from composer.ops.steps.containers import ContainerSteps
from composer.ops.steps.ordered import needs_of, remove_in_order
from composer.plan.converge import Convergence, PodAction
from composer.progress import Progress
from composer.runtime.base import PodInfo, Runtime

RUNNING_POD_STATES = frozenset({"running", "degraded"})
PORT_TEXT = re.compile(r"port (?:(?P<ip>[\d.:\[\]a-fA-F]*):)?(?P<port>\d+)/(?P<proto>\w+)")


def port_owner(project: Project, message: str) -> str | None:
    """The service publishing the host port a Podman message says is taken."""
    found = PORT_TEXT.search(message)
    if not found:
        return None
    port = int(found.group("port"))
    for name in sorted(project.services):
        for mapping in project.services[name].ports:
            span = mapping.published_range
            if span and span[0] <= port <= span[1] and mapping.protocol == found.group("proto"):
                return name
    return None


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
        """Orphans and surplus replicas go first; a replaced pod takes all its containers along."""
        names = [a.existing for a in convergence.actions if a.kind == "remove" and a.existing]
        pod = convergence.pod
        if pod is not None and pod.kind in ("recreate", "remove"):
            ids = {p.id for p in observed.pods if p.name == pod.name}
            names += [c.name for c in observed.containers if c.pod and c.pod in ids]
        if names:
            remove_in_order(
                self.steps, needs_of(self.project), observed, list(dict.fromkeys(names)), limit
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
        self.progress.update(item, "Starting")
        try:
            start()
        except ComposerError as error:
            self.progress.update(item, "Error")
            raise self._explained(error) from None
        self.started_infra = True
        self.progress.update(item, "Started")

    def _explained(self, error: ComposerError) -> ComposerError:
        """Name the service whose published port is taken."""
        owner = port_owner(self.project, error.message)
        if owner is None or "already in use" not in error.message:
            return error
        return ComposerError(f'service "{owner}": {error.message}', hint=error.hint)
