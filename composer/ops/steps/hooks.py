"""`post_start` and `pre_stop` hooks: commands run inside a service's container, as docker does.

A failed `post_start` hook fails the start, as in docker compose. A failed `pre_stop` hook only
warns: docker compose then refuses to stop the container, which leaves `down` unable to take a
project down until the hook is fixed; stopping anyway is what a user asking to stop wants.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from composer.errors import ComposerError, RuntimeOperationError
from composer.model import Project, Service
from composer.model.parts import ServiceHook
from composer.ops.state import ObservedState
from composer.plan.translate import ProjectPlan
from composer.runtime.base import Runtime

OUTPUT_LINES = 5


def _run(runtime: Runtime, container: str, hook: ServiceHook) -> str:
    """Run one hook; "" when it succeeded, else what went wrong."""
    env = {key: value for key, value in hook.environment.items() if value is not None}
    result = runtime.exec(
        container,
        list(hook.command),
        env=env,
        user=hook.user or "",
        workdir=hook.working_dir or "",
        privileged=hook.privileged,
    )
    if result.exit_code == 0:
        return ""
    output = (result.stdout + result.stderr).strip().splitlines()[-OUTPUT_LINES:]
    said = f": {' / '.join(output)}" if output else ""
    return f"`{shlex.join(hook.command)}` exited with code {result.exit_code}{said}"


def post_start(runtime: Runtime, container: str, service: Service) -> None:
    """Run the service's post_start hooks in order; raise at the first that fails."""
    for hook in service.post_start:
        failure = _run(runtime, container, hook)
        if failure:
            raise RuntimeOperationError(
                f'service "{service.name}": container {container}: post_start hook {failure}',
                hint="the container keeps running; fix the hook, then "
                f"`composer up -d --force-recreate {service.name}`",
            )


def pre_stop(
    runtime: Runtime, container: str, service: Service, warn: Callable[[str], None]
) -> None:
    """Run the service's pre_stop hooks in order; a failure is a warning, not a refusal."""
    for hook in service.pre_stop:
        try:
            failure = _run(runtime, container, hook)
        except ComposerError as error:  # paused, or gone meanwhile
            failure = f"could not run: {error.message}"
        if failure:
            warn(
                f'warning: service "{service.name}": container {container}: '
                f"pre_stop hook {failure}; stopping it anyway"
            )


def services_of(project: Project | None, observed: ObservedState) -> dict[str, Service]:
    """Existing service containers by name -> their service in the file, for the steps' hooks."""
    if project is None:
        return {}
    return {
        info.name: project.services[service]
        for service, found in observed.by_service().items()
        if service in project.services
        for info in found
    }


def services_of_plan(project: Project, plan: ProjectPlan) -> dict[str, Service]:
    """The plan's containers by name -> their service."""
    return {
        spec.name: project.services[service]
        for service, specs in plan.containers.items()
        for spec in specs
    }
