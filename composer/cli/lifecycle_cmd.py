"""`composer start|stop|restart|pause|unpause|kill|rm`: the project's existing containers.

They need no compose file beyond the project's name: with `-p NAME` and no file, the services
and their dependencies come from the containers' labels (as for `down`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.options import (
    INTERRUPTED,
    ServicesArg,
    TimeoutOpt,
    chosen_services,
    exit_interrupted,
    open_view,
    parallel_limit,
    remove_orphans,
)

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.ops.view import ProjectView
    from composer.progress import Progress
    from composer.runtime.base import Runtime


def dry_run(session: Session, what: str) -> bool:
    """With --dry-run, say what would happen and do nothing."""
    if session.options.dry_run:
        console.warn(f"--dry-run: {what}; nothing done")
        return True
    return False


def run_with_progress(
    session: Session,
    services: list[str] | None,
    act: Callable[[Runtime, ProjectView, Progress, tuple[str, ...]], None],
    *,
    dry: str,
    strict: bool = False,
) -> None:
    """Load, check the names, connect, and act with a progress display; Ctrl-C exits 130."""
    from composer.errors import LifecycleInterruptedError
    from composer.progress import make_progress

    name, project, chosen = chosen_services(session, services)
    if dry_run(session, dry):
        return
    runtime, view = open_view(session, name, project)
    if strict:
        view.require(chosen)
    try:
        with make_progress(session.options.progress, session.environ) as progress:
            act(runtime, view, progress, chosen)
    except LifecycleInterruptedError as error:
        exit_interrupted(error)
    except KeyboardInterrupt:
        # Between two steps (the pod's infra, a listing): nothing half done to report.
        console.error("interrupted")
        raise typer.Exit(INTERRUPTED) from None


def start(ctx: typer.Context, services: ServicesArg = None) -> None:
    """Start existing containers (and what they depend on), in dependency order."""
    from composer.ops.commands.lifecycle import Lifecycle

    session: Session = ctx.obj

    def act(
        runtime: Runtime, view: ProjectView, progress: Progress, chosen: tuple[str, ...]
    ) -> None:
        Lifecycle(runtime, view, progress, limit=parallel_limit(session)).start(chosen)

    run_with_progress(session, services, act, dry="start would start containers", strict=True)


def stop(ctx: typer.Context, services: ServicesArg = None, timeout: TimeoutOpt = None) -> None:
    """Stop running containers without removing them (dependents first)."""
    from composer.ops.commands.lifecycle import Lifecycle

    session: Session = ctx.obj

    def act(
        runtime: Runtime, view: ProjectView, progress: Progress, chosen: tuple[str, ...]
    ) -> None:
        Lifecycle(runtime, view, progress, timeout=timeout, limit=parallel_limit(session)).stop(
            chosen
        )

    run_with_progress(session, services, act, dry="stop would stop containers")


def restart(
    ctx: typer.Context,
    services: ServicesArg = None,
    timeout: TimeoutOpt = None,
    no_deps: Annotated[
        bool, typer.Option("--no-deps", help="Don't restart dependent services.")
    ] = False,
) -> None:
    """Restart service containers (and dependents that ask for it with depends_on.restart)."""
    from composer.ops.commands.lifecycle import Lifecycle

    session: Session = ctx.obj

    def act(
        runtime: Runtime, view: ProjectView, progress: Progress, chosen: tuple[str, ...]
    ) -> None:
        lifecycle = Lifecycle(
            runtime, view, progress, timeout=timeout, limit=parallel_limit(session)
        )
        lifecycle.restart(chosen, no_deps=no_deps)

    run_with_progress(session, services, act, dry="restart would restart containers", strict=True)


def pause(ctx: typer.Context, services: ServicesArg = None) -> None:
    """Pause running containers."""
    from composer.ops.commands.control import Control

    session: Session = ctx.obj

    def act(
        runtime: Runtime, view: ProjectView, progress: Progress, chosen: tuple[str, ...]
    ) -> None:
        Control(runtime, view, progress, parallel_limit(session)).pause(chosen)

    run_with_progress(session, services, act, dry="pause would pause containers")


def unpause(ctx: typer.Context, services: ServicesArg = None) -> None:
    """Unpause paused containers."""
    from composer.ops.commands.control import Control

    session: Session = ctx.obj

    def act(
        runtime: Runtime, view: ProjectView, progress: Progress, chosen: tuple[str, ...]
    ) -> None:
        Control(runtime, view, progress, parallel_limit(session)).unpause(chosen)

    run_with_progress(session, services, act, dry="unpause would unpause containers")


def kill(
    ctx: typer.Context,
    services: ServicesArg = None,
    signal: Annotated[
        str, typer.Option("-s", "--signal", help="Signal to send to the containers.")
    ] = "SIGKILL",
    orphans_flag: Annotated[
        bool,
        typer.Option("--remove-orphans", help="Also kill containers of services not in the file."),
    ] = False,
) -> None:
    """Force running containers to stop (SIGKILL, or the signal given)."""
    from composer.ops.commands.control import Control

    session: Session = ctx.obj
    orphans = remove_orphans(session, orphans_flag)

    def act(
        runtime: Runtime, view: ProjectView, progress: Progress, chosen: tuple[str, ...]
    ) -> None:
        Control(runtime, view, progress, parallel_limit(session)).kill(
            chosen, signal, remove_orphans=orphans
        )

    run_with_progress(session, services, act, dry=f"kill would send {signal} to containers")


def confirm_removal(names: list[str], force: bool) -> bool:
    """docker compose's question; anything but y/yes (an empty input, no terminal) is no."""
    question = f"Going to remove {', '.join(names)}"
    if force:
        console.out(question)
        return True
    sys.stderr.write(f"{question}\nAre you sure? [yN] ")
    sys.stderr.flush()
    answer = sys.stdin.readline() if sys.stdin is not None else ""
    if not answer.endswith("\n"):
        sys.stderr.write("\n")  # no input at all: end the question's line
    return answer.strip().lower() in ("y", "yes")


def rm(
    ctx: typer.Context,
    services: ServicesArg = None,
    force: Annotated[
        bool, typer.Option("-f", "--force", help="Don't ask to confirm removal.")
    ] = False,
    stop_first: Annotated[
        bool, typer.Option("-s", "--stop", help="Stop the containers first, if needed.")
    ] = False,
    volumes: Annotated[
        bool, typer.Option("-v", "--volumes", help="Remove anonymous volumes of the containers.")
    ] = False,
) -> None:
    """Remove stopped service containers."""
    from composer.ops.commands.control import Control
    from composer.ops.commands.lifecycle import Lifecycle
    from composer.progress import make_progress

    session: Session = ctx.obj
    name, project, chosen = chosen_services(session, services)
    if dry_run(session, "rm would remove stopped containers"):
        return
    runtime, view = open_view(session, name, project)
    limit = parallel_limit(session)
    if stop_first:
        with make_progress(session.options.progress, session.environ) as progress:
            Lifecycle(runtime, view, progress, limit=limit).stop(chosen)
    control = Control(runtime, view, make_progress("quiet"), limit)
    targets = control.removable(chosen)
    if not targets:
        console.err("No stopped containers")
        return
    if not confirm_removal([c.name for c in targets], force):
        return
    with make_progress(session.options.progress, session.environ) as progress:
        control.progress = progress
        control.remove(targets, volumes=volumes)


def register(app: typer.Typer) -> None:
    for command in (start, stop, restart, pause, unpause, kill, rm):
        app.command(command.__name__)(command)
