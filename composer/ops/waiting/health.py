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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from composer.errors import ComposerError
from composer.runtime.base import Runtime
from composer.specs import HealthcheckSpec

NANOSECONDS = 1_000_000_000
# docker's defaults, which Podman also stores when a check is created without them.
DEFAULT_INTERVAL = 30.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
STATE_POLL = 0.5  # how often the container's state is read between checks (docker: 500 ms)


class HealthError(ComposerError):
    """A container will not become healthy: it is unhealthy, exited, or has no healthcheck."""


class WaitCancelledError(ComposerError):
    """Waiting was given up (Ctrl-C, or another failure ended the run)."""


class WaitTimeoutError(ComposerError):
    """The deadline passed before the condition held."""


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


def _seconds(raw: Mapping[str, Any], key: str, default: float) -> float:
    value = raw.get(key)
    return default if not value else float(value) / NANOSECONDS


def policy_from(inspect: Mapping[str, Any], spec: HealthcheckSpec | None) -> HealthPolicy | None:
    """The healthcheck Podman stored (the image's or the service's); None when there is none.

    `start_interval` comes from the service: Podman 4 does not store it.
    """
    raw = (inspect.get("Config") or {}).get("Healthcheck") or {}
    test = tuple(str(part) for part in raw.get("Test") or ())
    if not test or test[0] == "NONE":
        return None
    return HealthPolicy(
        test=test,
        interval=_seconds(raw, "Interval", DEFAULT_INTERVAL),
        timeout=_seconds(raw, "Timeout", DEFAULT_TIMEOUT),
        retries=int(raw.get("Retries") or DEFAULT_RETRIES),
        start_period=_seconds(raw, "StartPeriod", 0.0),
        start_interval=spec.start_interval if spec else None,
    )


def started_at(inspect: Mapping[str, Any]) -> float | None:
    """When the container last started, as a time.time() value (None if never)."""
    text = str((inspect.get("State") or {}).get("StartedAt") or "")
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
        inspect = self.runtime.inspect_container(container)
        policy = policy_from(inspect, spec)
        if policy is None:
            raise HealthError(f"container {container} has no healthcheck configured")
        self._require_running(container)
        begun = started_at(inspect) or self.clock()
        recorded = str(((inspect.get("State") or {}).get("Health") or {}).get("Status") or "")
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
                    raise HealthError(f"container {container} is unhealthy")
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
