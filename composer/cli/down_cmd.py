"""`composer down`: stop and remove the project's containers, pod and networks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.errors import ComposerError, NoComposeFileError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.model import Project


def load_project(session: Session) -> tuple[str, Project | None]:
    """The project name and model; with `-p NAME` and no compose file, the name alone."""
    try:
        project = session.load().model()
    except NoComposeFileError:
        if session.options.project_name:
            return session.options.project_name, None
        raise
    return project.name, project


def down(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to remove.")] = None,
    volumes: Annotated[
        bool, typer.Option("-v", "--volumes", help="Remove named and anonymous volumes.")
    ] = False,
    remove_orphans: Annotated[
        bool, typer.Option("--remove-orphans", help="Remove containers of removed services.")
    ] = False,
    timeout: Annotated[
        int | None, typer.Option("-t", "--timeout", help="Shutdown timeout in seconds.")
    ] = None,
    rmi: Annotated[
        str | None, typer.Option("--rmi", help='Remove images: "local" or "all".')
    ] = None,
) -> None:
    """Stop and remove containers, pod and networks."""
    from composer.cli.up_cmd import env_flag, parallel_limit
    from composer.ops.commands.down import RMI_CHOICES, Down, DownOptions
    from composer.progress import make_progress

    session: Session = ctx.obj
    if rmi is not None and rmi not in RMI_CHOICES:
        raise ComposerError(f'invalid --rmi value "{rmi}"', hint='use "local" or "all"')
    name, project = load_project(session)
    chosen = tuple(services or ())
    if project is not None:
        for service in chosen:
            project.service(service)
    options = DownOptions(
        services=chosen,
        volumes=volumes,
        remove_orphans=remove_orphans or env_flag(session, "COMPOSE_REMOVE_ORPHANS"),
        timeout=timeout,
        rmi=rmi,
        limit=parallel_limit(session),
    )
    if session.options.dry_run:
        console.warn("--dry-run: down would stop and remove the project's objects; nothing done")
        return
    runtime = session.runtime()
    with make_progress(session.options.progress, session.environ) as progress:
        Down(runtime, name, project, options, progress).run()


def register(app: typer.Typer) -> None:
    app.command("down")(down)
