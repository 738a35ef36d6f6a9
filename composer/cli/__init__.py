"""The composer command line: global options, command registration and error handling."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from composer import __version__, console
from composer.cli.session import GlobalOptions, Session
from composer.errors import ComposerError

app = typer.Typer(
    name="composer",
    help="Run Compose projects on Podman.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _split_env_list(value: str | None, sep: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(part.strip() for part in value.split(sep) if part.strip())


@app.callback()
def main_options(
    ctx: typer.Context,
    file: Annotated[
        list[str] | None,
        typer.Option("-f", "--file", help="Compose file (repeatable; `-` reads stdin)."),
    ] = None,
    project_name: Annotated[
        str | None, typer.Option("-p", "--project-name", help="Project name.")
    ] = None,
    project_directory: Annotated[
        str | None,
        typer.Option("--project-directory", help="Working directory (default: the first file's)."),
    ] = None,
    env_file: Annotated[
        list[str] | None,
        typer.Option("--env-file", help="Environment file (repeatable; replaces .env)."),
    ] = None,
    profile: Annotated[
        list[str] | None, typer.Option("--profile", help="Profile to enable (repeatable).")
    ] = None,
    parallel: Annotated[
        int | None, typer.Option("--parallel", help="Maximum parallel operations.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the podman commands instead of acting.")
    ] = False,
    progress: Annotated[
        str, typer.Option("--progress", help="Progress output: auto, tty, plain, json, quiet.")
    ] = "auto",
    ansi: Annotated[
        str, typer.Option("--ansi", help="Control characters: never, always, auto.")
    ] = "auto",
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Show more output.")] = False,
    pod_mode: Annotated[
        str | None,
        typer.Option("--pod-mode", help="shared (default), separate or none."),
    ] = None,
    podman_url: Annotated[
        str | None, typer.Option("--podman-url", help="Podman API URL (unix:///path).")
    ] = None,
) -> None:
    """Run Compose projects on Podman."""
    console.set_verbose(verbose)
    environ = dict(os.environ)
    files = tuple(file or ())
    env_files = tuple(env_file) if env_file else None
    profiles = tuple(p for item in profile for p in item.split(",") if p) if profile else None
    ctx.obj = Session(
        GlobalOptions(
            files=files,
            project_name=project_name,
            project_directory=project_directory,
            env_files=env_files,
            profiles=profiles,
            dry_run=dry_run,
            progress=progress,
            ansi=ansi,
            verbose=verbose,
            parallel=parallel,
            pod_mode=pod_mode,
            podman_url=podman_url,
        ),
        environ=environ,
    )


def _register() -> None:
    from composer.cli import (
        config_cmd,
        doctor_cmd,
        down_cmd,
        exec_cmd,
        graph_cmd,
        kube_cmd,
        lifecycle_cmd,
        logs_cmd,
        ps_cmd,
        run_cmd,
        systemd_cmd,
        up_cmd,
        version_cmd,
    )

    for module in (
        version_cmd,
        config_cmd,
        doctor_cmd,
        up_cmd,
        down_cmd,
        lifecycle_cmd,
        ps_cmd,
        logs_cmd,
        exec_cmd,
        run_cmd,
        kube_cmd,
        graph_cmd,
        systemd_cmd,
    ):
        module.register(app)


def pass_through_commands() -> frozenset[str]:
    """The registered commands that take a container's command line after their own words
    (they accept extra arguments): `--dry-run` there is not composer's."""
    return frozenset(
        str(info.name)
        for info in app.registered_commands
        if (info.context_settings or {}).get("allow_extra_args")
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; a ComposerError becomes `error: ...` and exit code 1."""
    from composer.cli.argv import hoist_dry_run

    _register()
    words = hoist_dry_run(sys.argv[1:] if argv is None else argv, pass_through_commands())
    try:
        app(args=words, standalone_mode=True)
    except ComposerError as exc:
        if os.environ.get("COMPOSER_DEBUG"):
            raise
        console.error(exc.message, exc.hint)
        sys.exit(1)


__all__ = ["app", "main", "__version__"]
