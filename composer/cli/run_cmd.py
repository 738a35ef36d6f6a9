"""`composer run`: a one-off container of a service, after its dependencies; its exit code."""

from __future__ import annotations

import shlex
from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.options import (
    CONTAINER_COMMAND,
    BuildOpt,
    DryRunOpt,
    EnvFromFileOpt,
    EnvOpt,
    InteractiveOpt,
    NoTtyOpt,
    PullOpt,
    RemoveOrphansOpt,
    UserOpt,
    WorkdirOpt,
    dry_run,
    env_flag,
    exit_interrupted,
    parallel_limit,
    podman_url,
    remove_orphans,
    terminal_tty,
)
from composer.errors import ComposerError, RunInterruptedError, UpInterruptedError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.model import Project
    from composer.ops.commands.run import RunOptions

ListOpt = list[str] | None


def parse_labels(values: ListOpt) -> dict[str, str]:
    """`-l KEY=VALUE` (repeatable)."""
    found: dict[str, str] = {}
    for value in values or ():
        key, sep, text = value.partition("=")
        if not sep or not key:
            raise ComposerError(f'invalid -l value "{value}": label must be set as KEY=VALUE')
        found[key] = text
    return found


def capabilities(values: ListOpt) -> tuple[str, ...]:
    """`--cap-add NET_ADMIN,SYS_TIME --cap-add ...`: comma-separated and repeatable."""
    return tuple(part.strip() for value in values or () for part in value.split(",") if part)


def entrypoint_of(text: str | None) -> tuple[str, ...] | None:
    """`--entrypoint "sh -c"` split as a shell would; "" clears the image's entrypoint."""
    if text is None:
        return None
    try:
        return tuple(shlex.split(text))
    except ValueError as error:
        raise ComposerError(f'invalid --entrypoint "{text}": {error}') from None


def run(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help="The service.")],
    command: Annotated[
        list[str] | None, typer.Argument(help="The command (default: the service's).")
    ] = None,
    detach: Annotated[
        bool, typer.Option("-d", "--detach", help="Run in the background, print its ID.")
    ] = False,
    rm: Annotated[bool, typer.Option("--rm", help="Remove the container when it exits.")] = False,
    name: Annotated[str, typer.Option("--name", help="The container's name.")] = "",
    env: EnvOpt = None,
    env_file: EnvFromFileOpt = None,
    label: Annotated[
        ListOpt, typer.Option("-l", "--label", help="Add or override a label (repeatable).")
    ] = None,
    user: UserOpt = "",
    workdir: WorkdirOpt = "",
    volume: Annotated[
        ListOpt, typer.Option("-v", "--volume", help="Mount SOURCE:TARGET[:ro] (repeatable).")
    ] = None,
    publish: Annotated[
        ListOpt, typer.Option("-p", "--publish", help="Publish [HOST:]CONTAINER (repeatable).")
    ] = None,
    service_ports: Annotated[
        bool, typer.Option("-P", "--service-ports", help="Publish the service's ports.")
    ] = False,
    use_aliases: Annotated[
        bool, typer.Option("--use-aliases", help="Join networks with the service's aliases.")
    ] = False,
    no_deps: Annotated[
        bool, typer.Option("--no-deps", help="Don't start the services it depends on.")
    ] = False,
    entrypoint: Annotated[
        str | None, typer.Option("--entrypoint", help="Override the image's entrypoint.")
    ] = None,
    no_tty: NoTtyOpt = False,
    interactive: InteractiveOpt = True,
    cap_add: Annotated[ListOpt, typer.Option("--cap-add", help="Add Linux capabilities.")] = None,
    cap_drop: Annotated[
        ListOpt, typer.Option("--cap-drop", help="Drop Linux capabilities.")
    ] = None,
    build: BuildOpt = False,
    pull: PullOpt = None,
    quiet_pull: Annotated[
        bool, typer.Option("--quiet-pull", help="Pull without progress lines.")
    ] = False,
    orphans: RemoveOrphansOpt = False,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="No progress; with -d, no ID printed.")
    ] = False,
    dry: DryRunOpt = False,
) -> None:
    """Run a one-off command on a service."""
    from composer.model.bind.cli_values import environment, mounts, port_mappings
    from composer.ops.commands.run import RunOptions
    from composer.plan.oneoff import RunOverrides

    session: Session = ctx.obj
    if publish and service_ports:
        raise ComposerError("--service-ports and --publish are incompatible")
    project = session.load(services=(service,)).model()
    project.service(service)
    overrides = RunOverrides(
        command=tuple(command or ()),
        entrypoint=entrypoint_of(entrypoint),
        env=environment(env or (), env_file or (), project.environment, console.warn),
        labels=parse_labels(label),
        user=user,
        workdir=workdir,
        name=name,
        publish=port_mappings(tuple(publish or ())),
        service_ports=service_ports,
        mounts=mounts(tuple(volume or ()), project.working_dir),
        cap_add=capabilities(cap_add),
        cap_drop=capabilities(cap_drop),
        use_aliases=use_aliases,
        tty=terminal_tty(no_tty) and not detach,
        interactive=interactive and not detach,
    )
    options = RunOptions(
        service=service,
        overrides=overrides,
        detach=detach,
        remove=rm,
        no_deps=no_deps,
        build="always" if build else "auto",
        pull=pull,
        quiet_pull=quiet_pull,
        remove_orphans=remove_orphans(session, orphans),
        ignore_orphans=env_flag(session, "COMPOSE_IGNORE_ORPHANS"),
        limit=parallel_limit(session),
    )
    code = run_one_off(session, project, options, quiet=quiet, dry=dry)
    if code:
        raise typer.Exit(code)


def run_one_off(
    session: Session, project: Project, options: RunOptions, *, quiet: bool, dry: bool
) -> int:
    """Plan (every refusal first), then run; Ctrl-C while preparing exits 130."""
    from composer.ops.commands.run import OneOffRun, prepare_run
    from composer.progress import make_progress

    prepared = prepare_run(
        project, options, pod_mode=session.options.pod_mode, environ=session.environ
    )
    what = f"run would start {options.service}'s dependencies and a one-off container"
    if dry_run(session, dry, what):
        return 0
    mode = "quiet" if quiet else session.options.progress
    progress = partial(make_progress, mode, session.environ)
    one_off = OneOffRun(session.runtime(), prepared, options, progress, print_id=not quiet)
    try:
        return one_off.run(podman_url=podman_url(session))
    except KeyboardInterrupt:
        exit_interrupted(
            RunInterruptedError(
                "interrupted: no one-off container was started",
                hint="what it had started for its dependencies keeps running",
            )
        )
    except (RunInterruptedError, UpInterruptedError) as error:
        exit_interrupted(error)


def register(app: typer.Typer) -> None:
    app.command("run", context_settings=CONTAINER_COMMAND)(run)
