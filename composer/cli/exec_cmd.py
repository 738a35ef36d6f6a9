"""`composer exec`: a command in a service's running container, on this terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.options import (
    CONTAINER_COMMAND,
    DryRunOpt,
    EnvFromFileOpt,
    EnvOpt,
    InteractiveOpt,
    NoTtyOpt,
    UserOpt,
    WorkdirOpt,
    dry_run,
    load_project,
    open_view,
    terminal_tty,
)

if TYPE_CHECKING:
    from composer.cli.session import Session


def exec_(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(help="The service.")],
    command: Annotated[list[str], typer.Argument(help="The command and its arguments.")],
    detach: Annotated[
        bool, typer.Option("-d", "--detach", help="Run the command in the background.")
    ] = False,
    env: EnvOpt = None,
    env_file: EnvFromFileOpt = None,
    user: UserOpt = "",
    workdir: WorkdirOpt = "",
    no_tty: NoTtyOpt = False,
    tty: Annotated[
        bool, typer.Option("-t", "--tty", help="Accepted for docker compose: a TTY is the default.")
    ] = False,
    interactive: InteractiveOpt = True,
    index: Annotated[
        int | None,
        typer.Option("--index", help="The replica of the service (default: the first running)."),
    ] = None,
    privileged: Annotated[
        bool, typer.Option("--privileged", help="Give extended privileges to the command.")
    ] = False,
    dry: DryRunOpt = False,
) -> None:
    """Execute a command in a running container."""
    from composer.model.bind.cli_values import environment
    from composer.ops.commands.exec import ExecOptions, run_exec
    from composer.runtime.base import ExecRequest

    session: Session = ctx.obj
    del tty  # docker compose's hidden -t: a TTY is the default already
    name, project = load_project(session)
    if project is not None:
        project.service(service)
    lookup = project.environment if project is not None else session.environ
    request = ExecRequest(
        command=tuple(command),
        env=environment(env or (), env_file or (), lookup, console.warn),
        user=user,
        workdir=workdir,
        privileged=privileged,
        tty=terminal_tty(no_tty) and not detach,
        interactive=interactive and not detach,
        detach=detach,
    )
    if dry_run(session, dry, f"exec would run {command[0]} in {service}"):
        return
    runtime, view = open_view(session, name, project)
    options = ExecOptions(service, request, index=index or None)
    code = run_exec(runtime, view, options)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("exec", context_settings=CONTAINER_COMMAND)(exec_)
