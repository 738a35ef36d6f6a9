"""`composer logs`: the output of the project's containers, prefixed as `up` shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from composer.cli.options import NoColorOpt, NoLogPrefixOpt, chosen_services, open_view

if TYPE_CHECKING:
    from composer.cli.session import Session


def logs(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to show.")] = None,
    follow: Annotated[bool, typer.Option("-f", "--follow", help="Follow the output.")] = False,
    tail: Annotated[
        str, typer.Option("-n", "--tail", help='Lines from the end of each log, or "all".')
    ] = "all",
    since: Annotated[
        str | None,
        typer.Option("--since", help="Logs since a timestamp or a relative time (42m)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Logs before a timestamp or a relative time (42m)."),
    ] = None,
    timestamps: Annotated[
        bool, typer.Option("-t", "--timestamps", help="Show timestamps.")
    ] = False,
    no_log_prefix: NoLogPrefixOpt = False,
    no_color: NoColorOpt = False,
    index: Annotated[
        int | None, typer.Option("--index", help="The replica of the service, when scaled.")
    ] = None,
) -> None:
    """View output from containers."""
    from composer.ops.commands.logs import Logs, LogsOptions, monochrome, parse_tail

    session: Session = ctx.obj
    lines = parse_tail(tail)
    name, project, chosen = chosen_services(session, services)
    options = LogsOptions(
        services=chosen,
        follow=follow,
        tail=lines,
        since=since,
        until=until,
        timestamps=timestamps,
        no_prefix=no_log_prefix,
        no_color=monochrome(no_color, session.options.ansi, session.environ),
        index=index,
    )
    runtime, view = open_view(session, name, project)
    code = Logs(runtime, view, options).run()
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)
