"""composer's own healthcheck runner: Podman without systemd never runs healthchecks by itself.

While `up` waits for `service_healthy` or `--wait`, each check is run through the API (the
equivalent of `podman healthcheck run`) on the service's schedule: first after one interval
(`start_interval` instead, during `start_period`, when given); failures inside the start period
do not count; `retries` failures in a row make the container unhealthy. Podman enforces each
check's `timeout` itself, since the timeout is part of the container's stored healthcheck.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from composer.errors import HealthError, UnhealthyError, WaitCancelledError, WaitTimeoutError
from composer.runtime.base import HealthcheckConfig, Runtime
from composer.specs import HealthcheckSpec

# docker's defaults, which Podman also stores when a check is created without them.
DEFAULT_INTERVAL = 30.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
STATE_POLL = 0.5  # how often the container's state is read between checks (docker: 500 ms)


@dataclass(frozen=True)
class HealthPolicy:
    """A container's healthcheck schedule, in seconds."""

    test: tuple[str, ...]
    interval: float = DEFAULT_INTERVAL
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    start_period: float = 0.0
    start_interval: float | None = None

    def period(self, elapsed: float) -> float:
        """The wait before the next check, `elapsed` seconds after the container started."""
        if self.start_interval and elapsed < self.start_period:
            return self.start_interval
        return self.interval

    def in_start_period(self, elapsed: float) -> bool:
        return elapsed < self.start_period


def policy_from(
    stored: HealthcheckConfig | None, spec: HealthcheckSpec | None
) -> HealthPolicy | None:
    """The schedule of the healthcheck Podman stored (the image's or the service's), with
    docker's defaults for what it leaves unset; None when there is none.

    `start_interval` comes from the service: Podman 4 does not store it.
    """
    if stored is None:
        return None
    return HealthPolicy(
        test=stored.test,
        interval=stored.interval or DEFAULT_INTERVAL,
        timeout=stored.timeout or DEFAULT_TIMEOUT,
        retries=stored.retries or DEFAULT_RETRIES,
        start_period=stored.start_period,
        start_interval=spec.start_interval if spec else None,
    )


def started_at(text: str) -> float | None:
    """When the container last started (its State.StartedAt), as a time.time() value; None if
    never."""
    if not text or text.startswith("0001-"):
        return None
    try:
        return _parse_time(text)
    except ValueError:
        return None


def _parse_time(text: str) -> float:
    """RFC 3339 with up to nanoseconds (Python reads at most microseconds)."""
    head, _, rest = text.partition(".")
    if not rest:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    digits = "".join(c for c in rest if c.isdigit())
    zone = rest[len(digits) :]
    zone = "+00:00" if zone in ("Z", "") else zone
    return datetime.fromisoformat(f"{head}.{digits[:6].ljust(6, '0')}{zone}").timestamp()


@dataclass
class HealthRunner:
    """Runs one container's healthcheck until it passes, fails for good, or waiting ends."""

    runtime: Runtime
    cancel: threading.Event
    clock: Callable[[], float] = time.time
    on_probe: Callable[[str, bool], None] | None = None
    # Sleeps up to the given seconds, True when cancelled; tests pass one that moves a fake clock.
    pause: Callable[[float], bool] | None = None

    def wait_healthy(
        self, container: str, spec: HealthcheckSpec | None, deadline: float | None = None
    ) -> None:
        """Return once `container` is healthy; raise HealthError or why waiting stopped."""
        details = self.runtime.inspect_container(container)
        policy = policy_from(details.healthcheck, spec)
        if policy is None:
            raise HealthError(f"container {container} has no healthcheck configured")
        self._require_running(container)
        begun = started_at(details.state.started_at) or self.clock()
        recorded = details.state.health
        # Podman's own record may be stale (nothing updates it without systemd): confirm it.
        if recorded == "healthy" and self._probe(container):
            return
        failures = 0
        next_check = self._first_check(policy, begun)
        while True:
            self._sleep_until(container, next_check, deadline)
            checked = self.clock()
            if self._probe(container):
                return
            if not policy.in_start_period(checked - begun):
                failures += 1
                if failures >= policy.retries:
                    raise UnhealthyError(f"container {container} is unhealthy")
            next_check = checked + policy.period(checked - begun)

    def _first_check(self, policy: HealthPolicy, begun: float) -> float:
        """One period after the start, as docker does; now, if that moment has passed."""
        return max(self.clock(), begun + policy.period(0.0))

    def _probe(self, container: str) -> bool:
        self._require_running(container)
        passed = self.runtime.run_healthcheck(container).passed
        if self.on_probe is not None:
            self.on_probe(container, passed)
        return passed

    def _sleep_until(self, container: str, moment: float, deadline: float | None) -> None:
        """Wait for `moment`, watching for an exit, Ctrl-C and the deadline meanwhile."""
        while True:
            now = self.clock()
            if deadline is not None and now >= deadline:
                raise WaitTimeoutError(f"container {container} did not become healthy in time")
            if now >= moment:
                return
            step = min(STATE_POLL, moment - now)
            if deadline is not None:
                step = min(step, max(deadline - now, 0.0))
            if (self.pause or self.cancel.wait)(step):
                raise WaitCancelledError(f"stopped waiting for container {container} to be healthy")
            self._require_running(container)

    def _require_running(self, container: str) -> None:
        state = self.runtime.container_state(container)
        if not state.running:
            raise HealthError(f"container {container} exited ({state.exit_code})")
