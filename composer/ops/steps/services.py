"""`up`'s service graph: each service's containers created, recreated or started through the
executor as soon as its own dependencies are done and their conditions hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from composer.errors import ComposerError, StepCancelledError
from composer.execute import Edge, Event, Result, run_graph
from composer.model import Project
from composer.ops.steps.containers import ContainerSteps, item
from composer.ops.waiting.conditions import Conditions, waiting_text
from composer.plan.converge import ContainerAction, Convergence
from composer.progress import Progress

# Executor event kinds shown on every container line of the service they concern.
SHOWN_EVENTS = {"skipped": "Skipped", "cancelled": "Cancelled"}


@dataclass
class ServiceRun:
    """Runs the container actions of a convergence, service by service, in dependency order."""

    project: Project
    convergence: Convergence
    steps: ContainerSteps
    conditions: Conditions
    progress: Progress
    cancel: threading.Event
    states: Mapping[str, str] = field(default_factory=dict)  # existing container -> state
    limit: int | None = None
    wait_conditions: bool = True  # False with --no-start: nothing runs, nothing to wait for

    @property
    def services(self) -> list[str]:
        """The services with something to do or check, in the convergence's (start) order."""
        found = [a.service for a in self.convergence.actions if a.kind != "remove"]
        return [name for name in dict.fromkeys(found) if name in self.project.services]

    def run(self) -> dict[str, Result[str, None]]:
        return run_graph(
            self.services,
            self.edges,
            self.work,
            limit=self.limit,
            on_event=self.on_event,
            cancel=self.cancel,
        )

    def edges(self, service: str) -> Iterator[Edge[str]]:
        for dep in self.project.services[service].dependencies():
            wait = self.conditions.waiter(dep.condition) if self.wait_conditions else None
            yield Edge(dep.service, wait=wait, required=dep.required, condition=dep.condition)

    def work(self, service: str) -> None:
        for action in self.convergence.for_service(service):
            if self.cancel.is_set():
                raise StepCancelledError()
            try:
                self.act(action)
            except ComposerError as error:
                raise for_service(service, error) from None

    def act(self, action: ContainerAction) -> None:
        steps = self.steps
        if action.kind == "create" and action.spec is not None:
            steps.create(action.spec, start=action.start)
        elif action.kind == "recreate" and action.spec is not None:
            steps.recreate(action.spec, action.existing, start=action.start)
        elif action.kind == "start":
            steps.start(action.name)
        elif action.kind == "restart":
            steps.restart(action.name)
        elif action.kind == "noop":
            state = self.states.get(action.name, "running").lower()
            self.progress.update(item(action.name), "Running" if state != "created" else "Created")

    def on_event(self, event: Event[str]) -> None:
        if event.kind == "waiting":
            target, _, condition = event.message.partition(" ")
            self._show(event.node, f"Waiting for {waiting_text(target, condition)}")
        elif event.kind in SHOWN_EVENTS:
            self._show(event.node, SHOWN_EVENTS[event.kind], _skip_reason(event.message))
        elif event.kind == "warning":
            self.progress.message(f'warning: service "{event.node}": {event.message}')

    def _show(self, service: str, status: str, detail: str = "") -> None:
        for action in self.convergence.for_service(service):
            if action.kind != "remove":
                self.progress.update(item(action.name), status, detail)


def for_service(service: str, error: ComposerError) -> ComposerError:
    """A container step's error (`container p-web-1: cannot start: ...`) names its service."""
    prefix = f'service "{service}"'
    if error.message.startswith(prefix):
        return error
    return error.prefixed(f"{prefix}: ")


def _skip_reason(message: str) -> str:
    return message.removeprefix("dependency failed: ")
