"""One container's steps (create, start, recreate, restart, stop, remove), each shown as progress.

`up` and `down` both go through here, so a container reads the same on the screen whatever
command acts on it: `Container web-1  Recreate`, `... Recreated`, `... Started`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from composer.errors import ComposerError, NotFoundError
from composer.model import Service
from composer.ops.steps import hooks
from composer.ops.steps.resources import create_host_paths
from composer.plan.image_volumes import bind_nested_image_volumes
from composer.plan.labels import SERVICE
from composer.progress import Progress
from composer.runtime.base import ContainerDetails, Runtime
from composer.specs import ContainerSpec

# Podman states in which a container must be stopped before it is removed.
ACTIVE_STATES = frozenset({"running", "paused", "restarting", "stopping"})


def item(name: str) -> str:
    """The progress line of a container."""
    return f"Container {name}"


def inherit_anonymous_volumes(spec: ContainerSpec, old: ContainerDetails) -> ContainerSpec:
    """Give the new container the old one's anonymous volumes (docker compose keeps their data)."""
    volumes = {
        mount.destination: mount.name
        for mount in old.mounts
        if mount.type == "volume" and mount.name
    }
    mounts = tuple(
        replace(mount, source=volumes[mount.target])
        if mount.anonymous and mount.target in volumes
        else mount
        for mount in spec.mounts
    )
    return replace(spec, mounts=mounts)


@dataclass
class ContainerSteps:
    """Acts on containers and says so; `timeout` is `-t` (None: each container's own)."""

    runtime: Runtime
    progress: Progress
    timeout: int | None = None
    # container -> the wall-clock time just before it was (re)started. Not Podman's StartedAt:
    # Podman records that after the start returns, so a quick process logs and exits "before".
    started: dict[str, float] = field(default_factory=dict)
    # container -> when its start (or restart) returned: `up -d` watches it from then on
    running: dict[str, float] = field(default_factory=dict)
    # container -> its service in the file, for the post_start / pre_stop hooks (none: no hooks)
    services: Mapping[str, Service] = field(default_factory=dict)
    # containers removed ahead of their replacement (a pod change): what the replacement inherits
    removed_early: dict[str, ContainerDetails] = field(default_factory=dict)

    def _step(self, name: str, doing: str, done: str, action: Any, *args: Any) -> Any:
        self.progress.update(item(name), doing)
        try:
            value = action(*args)
        except ComposerError as error:
            self.progress.update(item(name), "Error", _short(error, name))
            raise
        self.progress.update(item(name), done)
        return value

    def create(self, spec: ContainerSpec, *, start: bool) -> None:
        self._step(spec.name, "Creating", "Created", self._create, spec)
        if start:
            self.start(spec.name)

    def _create(self, spec: ContainerSpec) -> str:
        spec = bind_nested_image_volumes(spec, self.runtime.image_volumes(spec.image))
        create_host_paths([(spec.labels.get(SERVICE, spec.name), spec)])
        # Images were found or pulled before anything was created.
        return self.runtime.create_container(spec, pull_missing=False)

    def start(self, name: str) -> None:
        self._step(name, "Starting", "Started", self._start, name)

    def _start(self, name: str) -> None:
        begun = time.time()
        self.runtime.start_container(name)
        self.started[name], self.running[name] = begun, time.time()
        service = self.services.get(name)
        if service is not None and service.post_start:
            hooks.post_start(self.runtime, name, service)

    def _pre_stop(self, name: str) -> None:
        service = self.services.get(name)
        if service is not None and service.pre_stop:
            hooks.pre_stop(self.runtime, name, service, self.progress.message)

    def restart(self, name: str) -> None:
        self._step(name, "Restarting", "Restarted", self._restart, name)

    def _restart(self, name: str) -> None:
        begun = time.time()
        self.runtime.restart_container(name, self.timeout)
        self.started[name], self.running[name] = begun, time.time()

    def recreate(self, spec: ContainerSpec, existing: str, *, start: bool) -> None:
        """Replace `existing` by a container made from `spec`, keeping anonymous volumes."""
        self._step(spec.name, "Recreate", "Recreated", self._replace, spec, existing)
        if start:
            self.start(spec.name)

    def _replace(self, spec: ContainerSpec, existing: str) -> None:
        if existing in self.removed_early:
            spec = inherit_anonymous_volumes(spec, self.removed_early.pop(existing))
        elif existing and self.runtime.container_exists(existing):
            old = self.runtime.inspect_container(existing)
            spec = inherit_anonymous_volumes(spec, old)
            self._silent_stop(existing, old)
            self.runtime.remove_container(existing, force=True)
        self._create(spec)

    def _silent_stop(self, name: str, old: ContainerDetails) -> None:
        if old.state.status.lower() in ACTIVE_STATES:
            self._pre_stop(name)
            self.runtime.stop_container(name, self.timeout)

    def stop(self, name: str) -> None:
        self._step(name, "Stopping", "Stopped", self._stop, name)

    def _stop(self, name: str) -> None:
        self._pre_stop(name)
        self.runtime.stop_container(name, self.timeout)

    def kill(self, name: str) -> None:
        self._step(name, "Killing", "Stopped", self.runtime.kill_container, name)

    def remove(
        self, name: str, *, state: str = "", volumes: bool = False, replacing: bool = False
    ) -> None:
        """Stop (when running) and remove one container; gone already is fine. `replacing`: a
        recreate of this run follows, which gets the old container's anonymous volumes."""
        if not self.runtime.container_exists(name):
            return
        if replacing:
            self.removed_early[name] = self.runtime.inspect_container(name)
        if (state or self.runtime.container_state(name).status).lower() in ACTIVE_STATES:
            self.stop(name)
        self._step(name, "Removing", "Removed", self._remove, name, volumes)

    def _remove(self, name: str, volumes: bool) -> None:
        # A container a systemd unit ran (`--rm`) is gone once it has stopped.
        with contextlib.suppress(NotFoundError):
            self.runtime.remove_container(name, force=True, volumes=volumes)


def _short(error: ComposerError, name: str) -> str:
    """The error without the leading `container NAME: ` the line already shows."""
    return error.message.removeprefix(f"container {name}: ").splitlines()[0]
