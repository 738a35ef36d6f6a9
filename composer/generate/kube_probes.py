"""Healthchecks as probes.

podman flavour: Podman turns only a `livenessProbe` into the container's healthcheck, taking
periodSeconds, timeoutSeconds, failureThreshold and initialDelaySeconds as interval, timeout,
retries and start period, so the check behaves as under `up`. It joins the exec command with
spaces and runs it through a shell, so each word that needs it is shell-quoted here.

cluster flavour: readiness (a Service sends traffic, and dependents' init containers go on,
only once the check passes), liveness (note: Kubernetes restarts a container whose liveness
fails, where compose only marks it unhealthy) and, with a start period, a startup probe that
holds both off for that long.
"""

from __future__ import annotations

import math
import shlex
from typing import Any

from composer.generate.kube_context import KubeContext, seconds
from composer.model import Healthcheck, Service

# compose's defaults, written out so that both engines run the check the same way.
DEFAULT_INTERVAL = 30.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_START_INTERVAL = 5.0


def exec_command(check: Healthcheck) -> list[str]:
    """The check as an argv: CMD's words, or CMD-SHELL's line through /bin/sh."""
    kind, *words = check.test
    if kind == "CMD-SHELL":
        return ["/bin/sh", "-c", " ".join(words)]
    return list(words)


def probes(ctx: KubeContext, service: Service) -> dict[str, Any]:
    """livenessProbe (and, in the cluster flavour, readiness and startup) for the service."""
    check = service.healthcheck
    if check is None or check.disabled:
        return {}
    if not check.test:
        ctx.unmapped(
            service.name,
            "healthcheck (the image's own test)",
            "cannot be read from the image here; give healthcheck.test to get a probe",
        )
        return {}
    command = exec_command(check)
    if ctx.flavor == "podman":
        quoted = [shlex.quote(word) for word in command]
        return {"livenessProbe": _probe(quoted, check, start_delay=True)}
    found = {
        "readinessProbe": _probe(command, check),
        "livenessProbe": _probe(command, check),
    }
    if check.start_period:
        found["startupProbe"] = _startup(command, check)
    return found


def _probe(command: list[str], check: Healthcheck, start_delay: bool = False) -> dict[str, Any]:
    probe: dict[str, Any] = {"exec": {"command": command}}
    if start_delay and check.start_period:
        probe["initialDelaySeconds"] = seconds(check.start_period, minimum=0)
    probe["periodSeconds"] = seconds(_or(check.interval, DEFAULT_INTERVAL))
    probe["timeoutSeconds"] = seconds(_or(check.timeout, DEFAULT_TIMEOUT))
    probe["failureThreshold"] = max(1, check.retries or DEFAULT_RETRIES)
    return probe


def _startup(command: list[str], check: Healthcheck) -> dict[str, Any]:
    """Polls every start_interval through the start period, then allows `retries` failures."""
    period = seconds(_or(check.start_interval, DEFAULT_START_INTERVAL)) or 1
    tries = math.ceil((check.start_period or 0) / period) + max(1, check.retries or DEFAULT_RETRIES)
    return {
        "exec": {"command": command},
        "periodSeconds": period,
        "timeoutSeconds": seconds(_or(check.timeout, DEFAULT_TIMEOUT)),
        "failureThreshold": tries,
    }


def _or(value: float | None, default: float) -> float:
    return default if value is None or value <= 0 else value
