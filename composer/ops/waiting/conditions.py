"""Waiting for a dependency's condition (service_started / _healthy / _completed_successfully).

One dependency can hold up several dependents: each (service, condition) is waited for once and
the outcome is shared, so a healthcheck is not run twice at the same moment. `--wait` uses the
same checks, with docker compose's `running_or_healthy` rule.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from composer.errors import (
    ComposerError,
    ConditionError,
    HealthError,
    ServiceFailedError,
    UnhealthyError,
    WaitCancelledError,
    WaitTimeoutError,
)
from composer.model.parts import (
    SERVICE_COMPLETED_SUCCESSFULLY,
    SERVICE_HEALTHY,
    SERVICE_STARTED,
)
from composer.ops.waiting.health import HealthRunner
from composer.runtime.base import Runtime
from composer.specs import ContainerSpec

POLL = 0.5  # seconds between state reads, as docker compose polls
# How a condition reads in "Waiting for db healthy".
CONDITION_WORDS = {
    SERVICE_STARTED: "started",
    SERVICE_HEALTHY: "healthy",
    SERVICE_COMPLETED_SUCCESSFULLY: "to complete",
}

Reporter = Callable[[str, str, str], None]  # (container name, status, detail)


def _no_report(_name: str, _status: str, _detail: str) -> None:
    return None


@dataclass
class Conditions:
    """Waits on the containers of each service as the plan names them."""

    runtime: Runtime
    containers: Mapping[str, tuple[ContainerSpec, ...]]
    cancel: threading.Event
    report: Reporter = _no_report
    clock: Callable[[], float] = time.time
    poll: float = POLL
    _locks: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)
    _outcomes: dict[tuple[str, str], ComposerError | None] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def waiter(self, condition: str) -> Callable[[str], None] | None:
        """The executor's `Edge.wait` for a condition; None when order alone is enough."""
        if condition not in (SERVICE_HEALTHY, SERVICE_COMPLETED_SUCCESSFULLY):
            return None
        return lambda service: self.wait(service, condition)

    def wait(self, service: str, condition: str) -> None:
        """Block until `condition` holds for each container of `service`; raise if it never will."""
        key = (service, condition)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._outcomes:
                self._outcomes[key] = self._attempt(service, condition)
        outcome = self._outcomes[key]
        if outcome is not None:
            raise outcome

    def _attempt(self, service: str, condition: str) -> ComposerError | None:
        try:
            if condition == SERVICE_HEALTHY:
                self.healthy(service, prefix="dependency failed to start: ")
            elif condition == SERVICE_COMPLETED_SUCCESSFULLY:
                self.completed(service)
        except ComposerError as error:
            return error
        return None

    def healthy(self, service: str, *, prefix: str = "", deadline: float | None = None) -> None:
        """Every container of `service` passes its healthcheck (run by composer itself)."""
        runner = HealthRunner(self.runtime, self.cancel, clock=self.clock)
        for spec in self.containers.get(service, ()):
            self.report(spec.name, "Checking health", "")
            try:
                runner.wait_healthy(spec.name, spec.healthcheck, deadline)
            except HealthError as error:
                self.report(spec.name, "Error", str(error).removeprefix(f"container {spec.name} "))
                failed = ServiceFailedError if isinstance(error, UnhealthyError) else ConditionError
                raise failed(f"{prefix}{error}") from None
            self.report(spec.name, "Healthy", "")

    def completed(self, service: str, deadline: float | None = None) -> None:
        """Every container of `service` exits with code 0."""
        for spec in self.containers.get(service, ()):
            self.report(spec.name, "Waiting for exit", "")
            code = self.exit_code(spec.name, deadline)
            if code != 0:
                self.report(spec.name, "Error", f"exit {code}")
                raise ServiceFailedError(
                    f'service "{service}" didn\'t complete successfully: exit {code}'
                )
            self.report(spec.name, "Exited", "")

    def exit_code(self, container: str, deadline: float | None = None) -> int:
        """Poll until `container` is no longer running; its exit code."""
        while True:
            state = self.runtime.container_state(container)
            if not state.running and state.status not in ("created", "initialized", "configured"):
                return state.exit_code
            self._pause(container, deadline)

    def running_or_healthy(self, service: str, *, completes: bool, deadline: float) -> None:
        """`--wait`: healthy if it has a healthcheck, else running; an exit fails it.

        A service others wait for with service_completed_successfully must exit 0 instead.
        """
        if completes:
            self.completed(service, deadline)
            return
        specs = self.containers.get(service, ())
        for spec in specs:
            state = self.runtime.container_state(spec.name)
            if not state.running:
                raise ConditionError(f"container {spec.name} exited ({state.exit_code})")
        if specs and self._has_healthcheck(specs[0].name):
            self.healthy(service, deadline=deadline)
            return
        for spec in specs:
            self.report(spec.name, "Running", "")

    def _has_healthcheck(self, container: str) -> bool:
        return self.runtime.inspect_container(container).healthcheck is not None

    def _pause(self, container: str, deadline: float | None) -> None:
        now = self.clock()
        if deadline is not None and now >= deadline:
            raise WaitTimeoutError(f"container {container} did not finish in time")
        step = self.poll if deadline is None else min(self.poll, max(deadline - now, 0.0))
        if self.cancel.wait(step):
            raise WaitCancelledError(f"stopped waiting for container {container}")


def waiting_text(target: str, condition: str) -> str:
    """`db healthy`, shown as "Waiting for db healthy"."""
    return f"{target} {CONDITION_WORDS.get(condition, condition)}"
