"""`composer down`: stop and remove the project's containers, pod and networks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.options import (
    RemoveOrphansOpt,
    TimeoutOpt,
    chosen_services,
    parallel_limit,
    remove_orphans,
)
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session


def down(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to remove.")] = None,
    volumes: Annotated[
        bool, typer.Option("-v", "--volumes", help="Remove named and anonymous volumes.")
    ] = False,
    orphans: RemoveOrphansOpt = False,
    timeout: TimeoutOpt = None,
    rmi: Annotated[
        str | None, typer.Option("--rmi", help='Remove images: "local" or "all".')
    ] = None,
) -> None:
    """Stop and remove containers, pod and networks."""
    from composer.ops.commands.down import RMI_CHOICES, Down, DownOptions
    from composer.progress import make_progress

    session: Session = ctx.obj
    if rmi is not None and rmi not in RMI_CHOICES:
        raise ComposerError(f'invalid --rmi value "{rmi}"', hint='use "local" or "all"')
    name, project, chosen = chosen_services(session, services)
    options = DownOptions(
        services=chosen,
        volumes=volumes,
        remove_orphans=remove_orphans(session, orphans),
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
