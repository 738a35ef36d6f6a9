"""`composer ps`: list the project's containers (a table, JSON lines, IDs or service names)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.options import chosen_services, open_view
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.cli.session import Session

FORMATS = ("table", "json")


def statuses_of(status: list[str] | None, filters: list[str] | None) -> tuple[str, ...]:
    """`--status X` and `--filter status=X` together, checked against docker's values."""
    from composer.ops.commands.listing import STATUSES

    found = list(status or ())
    for text in filters or ():
        key, sep, value = text.partition("=")
        if not sep:
            raise ComposerError("arguments to --filter should be in form KEY=VAL")
        if key != "status":
            raise ComposerError(f"unknown filter {key}", hint="the supported filter is status")
        found.append(value)
    for value in found:
        if value not in STATUSES:
            raise ComposerError(
                f'invalid status "{value}"', hint=f"use one of: {', '.join(STATUSES)}"
            )
    return tuple(dict.fromkeys(found))


def ps(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services to list.")] = None,
    all_: Annotated[
        bool, typer.Option("-a", "--all", help="Show stopped and one-off containers too.")
    ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Only display IDs.")] = False,
    services_only: Annotated[
        bool, typer.Option("--services", help="Display the services' names.")
    ] = False,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Only containers in this state (repeatable)."),
    ] = None,
    filters: Annotated[
        list[str] | None, typer.Option("--filter", help="Filter by a property: status=STATE.")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="Output: table or json.")] = "table",
    no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Don't truncate output.")] = False,
    orphans: Annotated[
        bool,
        typer.Option("--orphans/--no-orphans", help="Include services the file does not declare."),
    ] = True,
) -> None:
    """List containers."""
    from composer.ops.commands.listing import (
        PsOptions,
        json_lines,
        list_rows,
        service_names,
        table_lines,
    )

    session: Session = ctx.obj
    if output not in FORMATS:
        raise ComposerError(f'unsupported format "{output}"', hint="use --format table or json")
    statuses = statuses_of(status, filters)
    name, project, chosen = chosen_services(session, services)
    runtime, view = open_view(session, name, project)
    options = PsOptions(services=chosen, all=all_, statuses=statuses, orphans=orphans)
    rows = list_rows(runtime, view, options)
    if quiet:
        lines = [row.id for row in rows]
    elif services_only:
        lines = ["\n".join(service_names(rows))]
    elif output == "json":
        lines = json_lines(rows, no_trunc=no_trunc)
    else:
        lines = table_lines(rows, no_trunc=no_trunc)
    for line in lines:
        console.out(line)


def register(app: typer.Typer) -> None:
    app.command("ps")(ps)
