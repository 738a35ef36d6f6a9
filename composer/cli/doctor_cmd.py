"""`composer doctor`: diagnose the host for (rootless) Podman, and a project against it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.session import Session
from composer.errors import ComposerError, NoComposeFileError

if TYPE_CHECKING:
    from composer.doctor.checks_project import ProjectView

FORMATS = ("pretty", "json")


def _project_view(session: Session) -> ProjectView | None:
    """The project named by -f, or found in the working directory; None when there is none."""
    from composer.doctor.checks_project import ProjectView

    try:
        loaded = session.load()
    except NoComposeFileError:
        if not session.options.files:
            return None
        raise
    return ProjectView.of(loaded, session.options.pod_mode)


def doctor(
    ctx: typer.Context,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Apply the safe local fixes; print those that need root."),
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="pretty or json.")] = "pretty",
) -> None:
    """Check the host for (rootless) Podman, and the project if there is one."""
    from composer.doctor.context import Context
    from composer.doctor.host import LocalHost
    from composer.doctor.report import as_json, text_lines
    from composer.doctor.runner import diagnose

    if fmt not in FORMATS:
        raise ComposerError(f'unsupported format "{fmt}"', hint="use --format pretty or json")
    session: Session = ctx.obj
    view = _project_view(session)
    host = LocalHost(session.environ)
    report = diagnose(lambda: Context(host, session.options.podman_url), view, fix)
    if fmt == "json":
        console.out(as_json(report))
    else:
        for line in text_lines(report):
            console.out(line)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
