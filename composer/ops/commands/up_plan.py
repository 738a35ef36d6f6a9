"""What `up` and `create` settle before they touch the host: the flags, the plan (made once, here),
the checks of what this Podman can run; and `--dry-run`, which prints the podman commands instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from composer import console
from composer.errors import ComposerError, PodmanUnavailableError
from composer.model import Project
from composer.ops.commands.attach import AttachOptions
from composer.ops.state import observe
from composer.ops.steps.preflight import preflight
from composer.plan.converge import ConvergeOptions, converge
from composer.plan.file_copies import owner_notes
from composer.plan.podmode import PodMode, resolve_pod_mode
from composer.plan.render import render
from composer.plan.start_levels import start_order_lines
from composer.plan.translate import ProjectPlan, plan_project
from composer.plan.unapplied import unapplied_warnings
from composer.runtime.base import Runtime


@dataclass(frozen=True)
class UpOptions:
    """`up` / `create` flags (create is up with no_start)."""

    services: tuple[str, ...] = ()
    detach: bool = False
    wait: bool = False
    wait_timeout: float | None = None
    no_deps: bool = False
    force_recreate: bool = False
    no_recreate: bool = False
    always_recreate_deps: bool = False
    no_start: bool = False
    remove_orphans: bool = False
    ignore_orphans: bool = False
    timeout: int | None = None
    scales: Mapping[str, int] = field(default_factory=dict)
    pull: str | None = None
    build: str = "auto"  # "always" with --build, "never" with --no-build
    limit: int | None = None
    attach: AttachOptions = field(default_factory=AttachOptions)
    attach_dependencies: bool = False

    def converge_options(self) -> ConvergeOptions:
        return ConvergeOptions(
            selected=self.services,
            no_deps=self.no_deps,
            force_recreate=self.force_recreate,
            no_recreate=self.no_recreate,
            always_recreate_deps=self.always_recreate_deps,
            remove_orphans=self.remove_orphans,
            ignore_orphans=self.ignore_orphans,
            no_start=self.no_start,
        )


@dataclass(frozen=True)
class Prepared:
    """A loaded, checked and planned project: nothing has touched the host yet."""

    project: Project
    pod_mode: PodMode
    plan: ProjectPlan


def check_flags(options: UpOptions) -> None:
    """docker compose's refusals of flags that contradict each other."""
    attach = options.attach
    aborts = attach.abort_on_exit or attach.abort_on_failure or bool(attach.exit_code_from)
    if options.force_recreate and options.no_recreate:
        raise ComposerError("--force-recreate and --no-recreate are incompatible")
    if attach.abort_on_exit and attach.abort_on_failure:
        raise ComposerError(
            "--abort-on-container-exit and --abort-on-container-failure are incompatible"
        )
    if options.detach and aborts:
        raise ComposerError("--abort-on-container-exit and --detach are incompatible")
    if options.wait and aborts:
        raise ComposerError("--wait cannot be combined with --abort-on-container-exit")
    if options.remove_orphans and options.ignore_orphans:
        raise ComposerError("cannot combine --remove-orphans and COMPOSE_IGNORE_ORPHANS")
    services = options.services
    if attach.exit_code_from and services and attach.exit_code_from not in services:
        raise ComposerError(f"exit code from {attach.exit_code_from!r} must be a started service")


def prepare(
    project: Project, options: UpOptions, *, pod_mode: str | None, environ: Mapping[str, str]
) -> Prepared:
    """Check the names, resolve the pod mode (`pod_mode` is --pod-mode) and plan: every
    refusal before anything is created; warn about what composer does not apply yet."""
    for name in (*options.services, *options.scales):
        project.service(name)
    mode = resolve_pod_mode(project, flag=pod_mode, environ=environ)
    plan = plan_project(project, pod_mode=mode, scales=options.scales)
    for warning in unapplied_warnings(project):
        console.warn(warning)
    if options.attach.exit_code_from:
        project.service(options.attach.exit_code_from)
    return Prepared(project, mode, plan)


def check_host(
    runtime: Runtime, prepared: Prepared, options: UpOptions, *, podman_url: str | None
) -> None:
    """Refuse what this Podman cannot run; say who owns what containers write to bind mounts."""
    notes = preflight(
        runtime, prepared.project, prepared.pod_mode, options.scales, podman_url=podman_url
    )
    for note in [*notes, *owner_notes(prepared.plan)]:
        console.err(f"note: {note}")


def dry_run(
    connect: Callable[[], Runtime],
    prepared: Prepared,
    options: UpOptions,
    *,
    podman_url: str | None,
) -> None:
    """Print the podman commands `up` would run, from what exists now; change nothing."""
    plan = prepared.plan
    try:
        runtime = connect()
        observed = observe(runtime, prepared.project.name)
    except PodmanUnavailableError as error:
        console.warn(f"{error.message}; showing the commands for a project that does not exist")
        lines = render(plan)
    else:
        # The same refusals as a real `up`: a dry run that passes must not hide them.
        check_host(runtime, prepared, options, podman_url=podman_url)
        steps = converge(
            plan, observed.containers, observed.project_pod(), options.converge_options()
        )
        lines = render(
            plan,
            steps,
            existing_networks={n.name for n in observed.networks},
            existing_volumes={v.name for v in observed.volumes},
            hooks={name: s.post_start for name, s in prepared.project.services.items()},
        )
    for line in [*start_order_lines(plan.services, plan.needs), *lines]:
        console.out(line)
