"""`composer up` and `composer create`: docker compose's flags, on Podman."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.model import Project
    from composer.ops.commands.up import UpOptions
    from composer.plan.podmode import PodMode
    from composer.plan.translate import ProjectPlan
    from composer.runtime.base import Runtime

TRUE_VALUES = ("1", "true", "yes", "y", "on")


def env_flag(session: Session, name: str) -> bool:
    return session.environ.get(name, "").strip().lower() in TRUE_VALUES


def parallel_limit(session: Session) -> int | None:
    """`--parallel`, else COMPOSE_PARALLEL_LIMIT; None or a negative value means no cap."""
    value: int | None = session.options.parallel
    if value is None:
        text = session.environ.get("COMPOSE_PARALLEL_LIMIT", "").strip()
        if text:
            try:
                value = int(text)
            except ValueError:
                raise ComposerError(
                    f'invalid COMPOSE_PARALLEL_LIMIT "{text}": use a whole number'
                ) from None
    return value if value is not None and value > 0 else None


def parse_scales(values: list[str] | None) -> dict[str, int]:
    """`--scale web=3 --scale db=1` -> {"web": 3, "db": 1}; every flag counts."""
    scales: dict[str, int] = {}
    for value in values or ():
        name, sep, number = value.partition("=")
        if not sep or not name or not number.isdigit():
            raise ComposerError(f'invalid --scale value "{value}": use SERVICE=NUMBER')
        scales[name] = int(number)
    return scales


def build_mode(build: bool, no_build: bool) -> str:
    """`--build` builds every image with a build section, `--no-build` none, else the missing."""
    if build and no_build:
        raise ComposerError("--build and --no-build are incompatible")
    return "always" if build else "never" if no_build else "auto"


@dataclass(frozen=True)
class Prepared:
    """A loaded, checked and planned project: nothing has touched the host yet."""

    project: Project
    pod_mode: PodMode
    plan: ProjectPlan


def prepare(session: Session, services: tuple[str, ...], scales: dict[str, int]) -> Prepared:
    """Load, select, resolve the pod mode and plan: every refusal before anything is created."""
    from composer.plan.podmode import resolve_pod_mode
    from composer.plan.translate import plan_project

    project = session.load(services=services).model()
    for name in (*services, *scales):
        project.service(name)
    pod_mode = resolve_pod_mode(project, flag=session.options.pod_mode, environ=session.environ)
    plan = plan_project(project, pod_mode=pod_mode, scales=scales)
    return Prepared(project, pod_mode, plan)


def dry_run(session: Session, prepared: Prepared, options: UpOptions) -> None:
    """Print the podman commands `up` would run, from what exists now; change nothing."""
    from composer.errors import PodmanUnavailableError
    from composer.ops.state import observe
    from composer.plan.converge import converge
    from composer.plan.render import render

    plan = prepared.plan
    try:
        runtime = session.runtime()
        observed = observe(runtime, prepared.project.name)
    except PodmanUnavailableError as error:
        console.warn(f"{error.message}; showing the commands for a project that does not exist")
        lines = render(plan)
    else:
        # The same refusals as a real `up`: a dry run that passes must not hide them.
        check_host(session, prepared, runtime, options)
        pod = next((p for p in observed.pods if plan.pod and p.name == plan.pod.name), None)
        steps = converge(plan, observed.containers, pod, options.converge_options())
        lines = render(
            plan,
            steps,
            existing_networks={n.name for n in observed.networks},
            existing_volumes={v.name for v in observed.volumes},
            hooks={name: s.post_start for name, s in prepared.project.services.items()},
        )
    for line in lines:
        console.out(line)


def check_flags(options: UpOptions, services: tuple[str, ...]) -> None:
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
    if attach.exit_code_from and services and attach.exit_code_from not in services:
        raise ComposerError(f"exit code from {attach.exit_code_from!r} must be a started service")


def check_host(session: Session, prepared: Prepared, runtime: Runtime, options: UpOptions) -> None:
    """Refuse what this Podman cannot run; say who owns what containers write to bind mounts."""
    from composer.ops.steps.preflight import preflight
    from composer.plan.file_copies import owner_notes

    url = session.options.podman_url or session.environ.get("CONTAINER_HOST")
    notes = preflight(runtime, prepared.project, prepared.pod_mode, options.scales, podman_url=url)
    for note in [*notes, *owner_notes(prepared.plan)]:
        console.err(f"note: {note}")


def run_up(session: Session, services: tuple[str, ...], options: UpOptions) -> None:
    """Shared by `up` and `create`: check, plan, then act (or print, with --dry-run)."""
    from composer.errors import UpInterruptedError
    from composer.ops.commands.up import Up
    from composer.progress import make_progress

    check_flags(options, services)
    prepared = prepare(session, services, dict(options.scales))
    from composer.plan.unapplied import unapplied_warnings

    for warning in unapplied_warnings(prepared.project):
        console.warn(warning)
    if options.attach.exit_code_from:
        prepared.project.service(options.attach.exit_code_from)
    options = replace(options, limit=parallel_limit(session))
    if session.options.dry_run:
        dry_run(session, prepared, options)
        return
    runtime = session.runtime()
    check_host(session, prepared, runtime, options)
    progress = make_progress(session.options.progress, session.environ)
    try:
        with progress:
            code = Up(runtime, prepared.project, prepared.pod_mode, options, progress).run()
    except UpInterruptedError as error:
        console.error(error.message, error.hint)
        raise typer.Exit(130) from None
    if code:
        raise typer.Exit(code)


def up(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to start.")] = None,
    detach: Annotated[bool, typer.Option("-d", "--detach", help="Run in the background.")] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for services to be running|healthy (implies -d).")
    ] = False,
    wait_timeout: Annotated[
        int | None, typer.Option("--wait-timeout", help="Maximum seconds to --wait.")
    ] = None,
    no_deps: Annotated[
        bool, typer.Option("--no-deps", help="Don't start linked services.")
    ] = False,
    force_recreate: Annotated[
        bool, typer.Option("--force-recreate", help="Recreate containers even if unchanged.")
    ] = False,
    no_recreate: Annotated[
        bool, typer.Option("--no-recreate", help="Don't recreate existing containers.")
    ] = False,
    always_recreate_deps: Annotated[
        bool, typer.Option("--always-recreate-deps", help="Recreate dependent containers.")
    ] = False,
    no_start: Annotated[
        bool, typer.Option("--no-start", help="Don't start the services after creating them.")
    ] = False,
    remove_orphans: Annotated[
        bool, typer.Option("--remove-orphans", help="Remove containers of removed services.")
    ] = False,
    timeout: Annotated[
        int | None, typer.Option("-t", "--timeout", help="Shutdown timeout in seconds.")
    ] = None,
    scale: Annotated[
        list[str] | None, typer.Option("--scale", help="SERVICE=NUM (repeatable).")
    ] = None,
    pull: Annotated[
        str | None,
        typer.Option("--pull", help="Pull image before running: always|missing|never|build."),
    ] = None,
    build: Annotated[
        bool, typer.Option("--build", help="Build images before starting containers.")
    ] = False,
    no_build: Annotated[
        bool, typer.Option("--no-build", help="Don't build an image, even if it is missing.")
    ] = False,
    abort_on_container_exit: Annotated[
        bool, typer.Option("--abort-on-container-exit", help="Stop all if any container stops.")
    ] = False,
    abort_on_container_failure: Annotated[
        bool,
        typer.Option("--abort-on-container-failure", help="Stop all if any container fails."),
    ] = False,
    exit_code_from: Annotated[
        str | None, typer.Option("--exit-code-from", help="Return this service's exit code.")
    ] = None,
    attach_dependencies: Annotated[
        bool, typer.Option("--attach-dependencies", help="Show the dependencies' logs too.")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="Monochrome output.")] = False,
    no_log_prefix: Annotated[
        bool, typer.Option("--no-log-prefix", help="Don't print a prefix in logs.")
    ] = False,
    timestamps: Annotated[bool, typer.Option("--timestamps", help="Show timestamps.")] = False,
) -> None:
    """Create and start containers."""
    from composer.ops.commands.attach import AttachOptions
    from composer.ops.commands.up import UpOptions

    session: Session = ctx.obj
    chosen = tuple(services or ())
    options = UpOptions(
        services=chosen,
        detach=detach or wait,
        wait=wait,
        wait_timeout=float(wait_timeout) if wait_timeout else None,
        no_deps=no_deps,
        force_recreate=force_recreate,
        no_recreate=no_recreate,
        always_recreate_deps=always_recreate_deps,
        no_start=no_start,
        remove_orphans=remove_orphans or env_flag(session, "COMPOSE_REMOVE_ORPHANS"),
        ignore_orphans=env_flag(session, "COMPOSE_IGNORE_ORPHANS"),
        timeout=timeout,
        scales=parse_scales(scale),
        pull=pull,
        build=build_mode(build, no_build),
        attach=AttachOptions(
            no_color=no_color,
            no_log_prefix=no_log_prefix,
            timestamps=timestamps,
            abort_on_exit=abort_on_container_exit,
            abort_on_failure=abort_on_container_failure,
            exit_code_from=exit_code_from or "",
        ),
        attach_dependencies=attach_dependencies,
    )
    run_up(session, chosen, options)


def create(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to create.")] = None,
    force_recreate: Annotated[
        bool, typer.Option("--force-recreate", help="Recreate containers even if unchanged.")
    ] = False,
    no_recreate: Annotated[
        bool, typer.Option("--no-recreate", help="Don't recreate existing containers.")
    ] = False,
    remove_orphans: Annotated[
        bool, typer.Option("--remove-orphans", help="Remove containers of removed services.")
    ] = False,
    scale: Annotated[
        list[str] | None, typer.Option("--scale", help="SERVICE=NUM (repeatable).")
    ] = None,
    pull: Annotated[
        str | None,
        typer.Option("--pull", help="Pull image before running: always|missing|never|build."),
    ] = None,
    build: Annotated[
        bool, typer.Option("--build", help="Build images before starting containers.")
    ] = False,
    no_build: Annotated[
        bool, typer.Option("--no-build", help="Don't build an image, even if it is missing.")
    ] = False,
) -> None:
    """Create containers for services (up --no-start)."""
    from composer.ops.commands.up import UpOptions

    session: Session = ctx.obj
    chosen = tuple(services or ())
    options = UpOptions(
        services=chosen,
        detach=True,
        no_start=True,
        force_recreate=force_recreate,
        no_recreate=no_recreate,
        remove_orphans=remove_orphans or env_flag(session, "COMPOSE_REMOVE_ORPHANS"),
        ignore_orphans=env_flag(session, "COMPOSE_IGNORE_ORPHANS"),
        scales=parse_scales(scale),
        pull=pull,
        build=build_mode(build, no_build),
    )
    run_up(session, chosen, options)


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("create")(create)
