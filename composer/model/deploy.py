"""`deploy`: replicas, resource limits and reservations, restart policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.model.parts import DeviceRequest


@dataclass(frozen=True, slots=True)
class ResourceLimits:
    """CPUs (fractional), memory in bytes, and a process count."""

    cpus: float | None = None
    memory: int | None = None
    pids: int | None = None


@dataclass(frozen=True, slots=True)
class Reservations:
    """What a service reserves: CPUs, memory in bytes, and devices such as GPUs."""

    cpus: float | None = None
    memory: int | None = None
    devices: tuple[DeviceRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Resources:
    """`deploy.resources`."""

    limits: ResourceLimits | None = None
    reservations: Reservations | None = None


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    """`deploy.restart_policy`, durations in seconds."""

    condition: str | None = None
    delay: float | None = None
    max_attempts: int | None = None
    window: float | None = None


@dataclass(frozen=True, slots=True)
class Deploy:
    """`deploy`; swarm-only settings (placement, update_config, ...) stay plain in `other`."""

    mode: str | None = None
    replicas: int | None = None
    resources: Resources | None = None
    restart_policy: RestartPolicy | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    endpoint_mode: str | None = None
    other: Mapping[str, Any] = field(default_factory=dict)
