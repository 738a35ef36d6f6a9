"""`composer up` and `composer create`: docker compose's flags, on Podman."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from composer.cli.options import (
    BuildOpt,
    ForceRecreateOpt,
    NoBuildOpt,
    NoColorOpt,
    NoLogPrefixOpt,
    NoRecreateOpt,
    PullOpt,
    RemoveOrphansOpt,
    ScaleOpt,
    TimeoutOpt,
    env_flag,
    exit_interrupted,
    parallel_limit,
    podman_url,
    remove_orphans,
)
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.ops.commands.up_plan import UpOptions


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


def run_up(session: Session, options: UpOptions) -> None:
    """Shared by `up` and `create`: check, plan, then act (or print, with --dry-run)."""
    from composer.errors import UpInterruptedError
    from composer.ops.commands.up import up
    from composer.ops.commands.up_plan import check_flags, dry_run, prepare
    from composer.progress import make_progress

    check_flags(options)
    project = session.load(services=options.services).model()
    prepared = prepare(project, options, pod_mode=session.options.pod_mode, environ=session.environ)
    options = replace(options, limit=parallel_limit(session))
    if session.options.dry_run:
        dry_run(session.runtime, prepared, options, podman_url=podman_url(session))
        return
    runtime = session.runtime()
    progress = partial(make_progress, session.options.progress, session.environ)
    try:
        code = up(runtime, prepared, options, progress, podman_url=podman_url(session))
    except UpInterruptedError as error:
        exit_interrupted(error)
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
    force_recreate: ForceRecreateOpt = False,
    no_recreate: NoRecreateOpt = False,
    always_recreate_deps: Annotated[
        bool, typer.Option("--always-recreate-deps", help="Recreate dependent containers.")
    ] = False,
    no_start: Annotated[
        bool, typer.Option("--no-start", help="Don't start the services after creating them.")
    ] = False,
    orphans: RemoveOrphansOpt = False,
    timeout: TimeoutOpt = None,
    scale: ScaleOpt = None,
    pull: PullOpt = None,
    build: BuildOpt = False,
    no_build: NoBuildOpt = False,
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
    no_color: NoColorOpt = False,
    no_log_prefix: NoLogPrefixOpt = False,
    timestamps: Annotated[bool, typer.Option("--timestamps", help="Show timestamps.")] = False,
) -> None:
    """Create and start containers."""
    from composer.ops.commands.attach import AttachOptions
    from composer.ops.commands.up_plan import UpOptions

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
        remove_orphans=remove_orphans(session, orphans),
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
    run_up(session, options)


def create(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to create.")] = None,
    force_recreate: ForceRecreateOpt = False,
    no_recreate: NoRecreateOpt = False,
    orphans: RemoveOrphansOpt = False,
    scale: ScaleOpt = None,
    pull: PullOpt = None,
    build: BuildOpt = False,
    no_build: NoBuildOpt = False,
) -> None:
    """Create containers for services (up --no-start)."""
    from composer.ops.commands.up_plan import UpOptions

    session: Session = ctx.obj
    chosen = tuple(services or ())
    options = UpOptions(
        services=chosen,
        detach=True,
        no_start=True,
        force_recreate=force_recreate,
        no_recreate=no_recreate,
        remove_orphans=remove_orphans(session, orphans),
        ignore_orphans=env_flag(session, "COMPOSE_IGNORE_ORPHANS"),
        scales=parse_scales(scale),
        pull=pull,
        build=build_mode(build, no_build),
    )
    run_up(session, options)


def register(app: typer.Typer) -> None:
    app.command("up")(up)
    app.command("create")(create)
