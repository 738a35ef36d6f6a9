"""`start`, `stop` and `restart`: existing containers of the project, in dependency order.

`start` runs the services' graph forwards through the executor, waiting for each dependency's
condition as `up` does; `stop` runs it in reverse (dependents first) and, in shared pod mode,
stops the pod once none of its containers runs, so that its published ports are released;
`restart` restarts the services and the dependents that asked for it (`depends_on.restart`).
In shared mode the pod's infra container owns the network namespace, so it is started before
any service container.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from composer.errors import ComposerError, LifecycleInterruptedError, StepCancelledError
from composer.execute import Edge, Result, State, run_graph
from composer.ops.interrupt import run_interruptibly
from composer.ops.results import failure_messages, first_bug, not_started, root_causes
from composer.ops.steps.containers import ContainerSteps, item
from composer.ops.steps.hooks import services_of
from composer.ops.steps.pod import start_infra
from composer.ops.view import ProjectView, is_active
from composer.ops.waiting.conditions import Conditions
from composer.plan import labels
from composer.progress import Progress
from composer.runtime.base import ContainerInfo, PodInfo, Runtime
from composer.specs import ContainerSpec

# Container states `start` acts on; running, paused and restarting ones are left as they are.
STARTABLE = frozenset({"created", "configured", "initialized", "exited", "stopped"})


def no_container_error(service: str) -> ComposerError:
    return ComposerError(
        f'service "{service}" has no container to start',
        hint="create it with `composer up` (or `composer create`)",
    )


@dataclass
class PodInfra:
    """The infra containers of the project's pods (shared mode: they own network and ports)."""

    runtime: Runtime
    view: ProjectView
    progress: Progress

    def start(self) -> None:
        """Start every infra container that is not running, before any service container."""
        for pod in self.view.pods:
            if pod.infra_id and not self.runtime.container_state(pod.infra_id).running:
                self._start(pod)

    def _start(self, pod: PodInfo) -> None:
        start = partial(self.runtime.start_container, pod.infra_id)
        start_infra(self.progress, f"Pod {pod.name}", start, self.view.project)

    def stop_idle(self, timeout: int | None) -> None:
        """Stop each pod with an infra container once none of its containers is running.

        A pod that holds a container of no service of this project is left alone.
        """
        current = self.runtime.list_containers({labels.PROJECT: self.view.name})
        for pod in self.view.pods:
            if not pod.infra_id:
                continue
            members = [c for c in current if c.pod == pod.id]
            known = {c.name for c in members}
            strangers = [m for m in pod.containers if m and not _is_infra(m) and m not in known]
            if strangers:
                self.progress.message(
                    f"warning: pod {pod.name} kept running: it holds {', '.join(sorted(strangers))}"
                )
                continue
            if any(is_active(c) for c in members):
                continue
            if self.runtime.container_state(pod.infra_id).running:
                line = f"Pod {pod.name}"
                self.progress.update(line, "Stopping")
                # Not stop_pod: Podman 4.3 answers 304 and leaves the infra container running
                # once every other container of the pod has exited.
                self.runtime.stop_container(pod.infra_id, timeout)
                self.progress.update(line, "Stopped")


def _is_infra(name: str) -> bool:
    return name.endswith("-infra")


@dataclass
class Lifecycle:
    """One start, stop or restart run over a project's existing containers."""

    runtime: Runtime
    view: ProjectView
    progress: Progress
    timeout: int | None = None
    limit: int | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def steps(self) -> ContainerSteps:
        services = services_of(self.view.project, self.view.observed)
        return ContainerSteps(self.runtime, self.progress, self.timeout, services=services)

    # -- start --------------------------------------------------------------------------------

    def start(self, chosen: Sequence[str]) -> None:
        """Start the chosen services (all when none) and what they need, dependencies first."""
        scope = self.view.with_dependencies(chosen)
        self._require_containers(chosen, scope)
        if any(c.state.lower() in STARTABLE for s in scope for c in self.view.containers(s)):
            PodInfra(self.runtime, self.view, self.progress).start()
        steps = self.steps
        conditions = self._conditions(scope)

        def work(service: str) -> None:
            for info in self.view.containers(service):
                self._check_cancel()
                if info.state.lower() in STARTABLE:
                    steps.start(info.name)

        self._run(scope, lambda s: self.view.edges(s, conditions.waiter), work, "start")

    def _require_containers(self, chosen: Sequence[str], scope: list[str]) -> None:
        """docker compose's refusals: a named service without containers, or a bare project."""
        for service in chosen:
            if not self.view.containers(service):
                raise no_container_error(service)
        if not any(self.view.containers(service) for service in scope):
            if not scope:
                raise ComposerError(
                    f'no container found for project "{self.view.name}"',
                    hint="create the containers with `composer up`",
                )
            raise no_container_error(self._leaves(scope)[0])

    def _leaves(self, scope: list[str]) -> list[str]:
        members = set(scope)
        leaves = [s for s in scope if not any(n.service in members for n in self.view.needs[s])]
        return sorted(leaves) or sorted(scope)

    def _conditions(self, scope: Collection[str]) -> Conditions:
        specs = {
            service: tuple(_spec(info) for info in self.view.containers(service))
            for service in scope
        }
        return Conditions(self.runtime, specs, self.cancel, report=self._report)

    def _report(self, name: str, status: str, detail: str) -> None:
        self.progress.update(item(name), status, detail)

    # -- stop ---------------------------------------------------------------------------------

    def stop(self, chosen: Sequence[str]) -> None:
        """Stop the chosen services (all when none), dependents first; then an idle pod."""
        scope = list(chosen) or self.view.services
        steps = self.steps

        def work(service: str) -> None:
            for info in self.view.containers(service):
                self._check_cancel()
                self._stop_one(steps, info)

        self._run(scope, self.view.edges, work, "stop", reverse=True)
        PodInfra(self.runtime, self.view, self.progress).stop_idle(self.timeout)

    def _stop_one(self, steps: ContainerSteps, info: ContainerInfo) -> None:
        if not is_active(info):
            self.progress.update(item(info.name), "Stopped")
            return
        if info.state.lower() == "paused":
            # Podman 4.3 stops a paused container but then fails to clean it up.
            self.runtime.unpause_container(info.name)
        steps.stop(info.name)

    # -- restart ------------------------------------------------------------------------------

    def restart(self, chosen: Sequence[str], *, no_deps: bool = False) -> None:
        """Restart the chosen services (all when none) and, unless no_deps, their dependents
        whose depends_on says `restart: true`; in dependency order."""
        if not chosen:
            scope = self.view.services
        elif no_deps:
            scope = list(chosen)
        else:
            scope = self.view.with_dependents(chosen, restart_only=True)
        if any(self.view.containers(service) for service in scope):
            PodInfra(self.runtime, self.view, self.progress).start()
        steps = self.steps
        conditions = self._conditions(scope)

        def edges(service: str) -> Iterator[Edge[str]]:
            return self.view.edges(service, conditions.waiter, restart_only=True)

        def work(service: str) -> None:
            for info in self.view.containers(service):
                self._check_cancel()
                if info.state.lower() == "paused":
                    self.runtime.unpause_container(info.name)
                steps.restart(info.name)

        self._run(scope, edges, work, "restart")

    # -- shared -------------------------------------------------------------------------------

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise StepCancelledError()

    def _run(
        self,
        scope: list[str],
        edges: Callable[[str], Iterator[Edge[str]]],
        work: Callable[[str], None],
        command: str,
        *,
        reverse: bool = False,
    ) -> None:
        """Run `work` over the services' graph; Ctrl-C starts nothing new; failures raise."""

        def graph() -> dict[str, Result[str, None]]:
            return run_graph(
                scope, edges, work, limit=self.limit, reverse=reverse, cancel=self.cancel
            )

        results = run_interruptibly(graph, self.cancel, self.progress)
        if self.cancel.is_set():
            skipped = not_started(results) + _cancelled_in_flight(results)
            listed = f": {', '.join(sorted(set(skipped)))} not done" if skipped else ""
            raise LifecycleInterruptedError(
                f"interrupted{listed}", hint=f"run `composer {command}` again to finish"
            )
        messages = failure_messages(results)
        if messages:
            raise ComposerError("\n".join(messages)) from first_bug(root_causes(results))


def _cancelled_in_flight(results: dict[str, Result[str, None]]) -> list[str]:
    return [
        name
        for name, result in results.items()
        if result.state is State.FAILED and isinstance(result.error, StepCancelledError)
    ]


def _spec(info: ContainerInfo) -> ContainerSpec:
    """What the condition waiters need of a container: its name (healthchecks are inspected)."""
    return ContainerSpec(name=info.name, image=info.image)
