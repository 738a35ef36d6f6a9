"""`exec`: a command in a running container of a service, on this terminal; its exit code.

The container is the service's first running one by replica number (a running one-off of the
service comes after its replicas), or replica `--index N`. The errors are docker compose's words.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.errors import ComposerError
from composer.ops.state import container_number, is_oneoff
from composer.ops.view import ProjectView
from composer.plan import labels
from composer.runtime.base import ContainerInfo, ExecRequest, Runtime


@dataclass(frozen=True)
class ExecOptions:
    """The service, which replica (None: the first running), and what to run."""

    service: str
    request: ExecRequest
    index: int | None = None


def _running(view: ProjectView, service: str) -> list[ContainerInfo]:
    """The service's running containers: replicas by number, then its one-off containers."""
    found = [
        info
        for info in view.observed.containers
        if info.labels.get(labels.SERVICE) == service and info.state.lower() == "running"
    ]
    return sorted(found, key=lambda c: (is_oneoff(c), container_number(c), c.name))


def exec_target(view: ProjectView, service: str, index: int | None) -> str:
    """The container `exec` runs in; docker compose's errors when there is none."""
    view.require([service])
    running = _running(view, service)
    if index is not None:
        chosen = [c for c in running if not is_oneoff(c) and container_number(c) == index]
        if not chosen:
            numbers = [str(container_number(c)) for c in running if not is_oneoff(c)]
            listed = f"running: #{', #'.join(numbers)}" if numbers else "none is running"
            raise ComposerError(
                f'service "{service}" is not running container #{index}',
                hint=f"{listed}; choose one with --index",
            )
        return chosen[0].name
    if not running:
        exists = any(
            info.labels.get(labels.SERVICE) == service for info in view.observed.containers
        )
        action = f"composer start {service}" if exists else f"composer up -d {service}"
        raise ComposerError(
            f'service "{service}" is not running', hint=f"start it first: `{action}`"
        )
    return running[0].name


def run_exec(runtime: Runtime, view: ProjectView, options: ExecOptions) -> int:
    """Run the command in the service's container; its exit code."""
    name = exec_target(view, options.service, options.index)
    return runtime.exec_attached(name, options.request)
