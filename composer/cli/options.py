"""What the command modules share: option types, readers of flags and environment variables,
the project (or its name alone) a command acts on, and the exit code of an interrupted command.

Command modules import from here, never from each other.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from composer import console
from composer.errors import ComposerError, NoComposeFileError

if TYPE_CHECKING:
    from composer.cli.session import Session
    from composer.model import Project
    from composer.ops.view import ProjectView
    from composer.runtime.base import Runtime

TRUE_VALUES = ("1", "true", "yes", "y", "on")
INTERRUPTED = 130  # the exit code after Ctrl-C, as docker compose

ServicesArg = Annotated[list[str] | None, typer.Argument(help="Services (default: all).")]
TimeoutOpt = Annotated[
    int | None, typer.Option("-t", "--timeout", help="Shutdown timeout in seconds.")
]
RemoveOrphansOpt = Annotated[
    bool, typer.Option("--remove-orphans", help="Remove containers of removed services.")
]
ForceRecreateOpt = Annotated[
    bool, typer.Option("--force-recreate", help="Recreate containers even if unchanged.")
]
NoRecreateOpt = Annotated[
    bool, typer.Option("--no-recreate", help="Don't recreate existing containers.")
]
ScaleOpt = Annotated[list[str] | None, typer.Option("--scale", help="SERVICE=NUM (repeatable).")]
PullOpt = Annotated[
    str | None,
    typer.Option("--pull", help="Pull image before running: always|missing|never|build."),
]
BuildOpt = Annotated[bool, typer.Option("--build", help="Build images before starting containers.")]
NoBuildOpt = Annotated[
    bool, typer.Option("--no-build", help="Don't build an image, even if it is missing.")
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="Monochrome output.")]
NoLogPrefixOpt = Annotated[
    bool, typer.Option("--no-log-prefix", help="Don't print a prefix in logs.")
]

# `exec` and `run`: what follows the service is the container's command line, its own flags
# included (`composer run web ls -l`); main() leaves their words as typed.
CONTAINER_COMMAND: dict[str, Any] = {"allow_extra_args": True, "allow_interspersed_args": False}
EnvOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-e", "--env", help="KEY=VALUE, or KEY for the project environment's value (repeatable)."
    ),
]
EnvFromFileOpt = Annotated[
    list[str] | None,
    typer.Option("--env-from-file", "--env-file", help="Variables from an env file (repeatable)."),
]
UserOpt = Annotated[str, typer.Option("-u", "--user", help="Run as this user (name or UID).")]
WorkdirOpt = Annotated[
    str, typer.Option("-w", "--workdir", help="Working directory inside the container.")
]
NoTtyOpt = Annotated[
    bool,
    typer.Option("-T", "--no-tty", "--no-TTY", help="No pseudo-TTY (default: one on a terminal)."),
]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Change nothing (before SERVICE: after it, the words are the container's).",
    ),
]
InteractiveOpt = Annotated[
    bool,
    typer.Option("--interactive/--no-interactive", "-i", help="Keep stdin open (default)."),
]


def dry_run(session: Session, flag: bool, what: str) -> bool:
    """`--dry-run` (global, or exec's and run's own before SERVICE): say so, do nothing."""
    if flag or session.options.dry_run:
        console.warn(f"--dry-run: {what}; nothing done")
        return True
    return False


def terminal_tty(no_tty: bool) -> bool:
    """A pseudo-TTY unless -T: when stdin and stdout are both terminals (docker compose asks
    stdout only; with stdin read from a pipe too a TTY would garble the input)."""
    if no_tty:
        return False
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def env_flag(session: Session, name: str) -> bool:
    """An environment variable set to a true value (1, true, yes, y, on)."""
    return session.environ.get(name, "").strip().lower() in TRUE_VALUES


def parallel_limit(session: Session) -> int | None:
    """`--parallel`, else COMPOSE_PARALLEL_LIMIT; None or a negative value means no cap."""
    value: int | None = session.options.parallel
    if value is None:
        text = session.environ.get("COMPOSE_PARALLEL_LIMIT", "").strip()
        if text:
            try:
                value = int(text)
            except ValueError:
                raise ComposerError(
                    f'invalid COMPOSE_PARALLEL_LIMIT "{text}": use a whole number'
                ) from None
    return value if value is not None and value > 0 else None


def remove_orphans(session: Session, flag: bool) -> bool:
    """`--remove-orphans`, or COMPOSE_REMOVE_ORPHANS set."""
    return flag or env_flag(session, "COMPOSE_REMOVE_ORPHANS")


def podman_url(session: Session) -> str | None:
    """The Podman URL the user named (`--podman-url`, else CONTAINER_HOST), if any."""
    return session.options.podman_url or session.environ.get("CONTAINER_HOST")


def load_project(session: Session) -> tuple[str, Project | None]:
    """The project name and model; with `-p NAME` and no compose file, the name alone."""
    try:
        project = session.load().model()
    except NoComposeFileError:
        if session.options.project_name:
            return session.options.project_name, None
        raise
    return project.name, project


def chosen_services(
    session: Session, services: list[str] | None
) -> tuple[str, Project | None, tuple[str, ...]]:
    """The project's name and model (None: no file, `-p` only) and the named services, checked
    against the file when there is one."""
    name, project = load_project(session)
    chosen = tuple(dict.fromkeys(services or ()))
    if project is not None:
        for service in chosen:
            project.service(service)
    return name, project, chosen


def open_view(session: Session, name: str, project: Project | None) -> tuple[Runtime, ProjectView]:
    """Connect to Podman and read what exists of the project."""
    from composer.ops.view import ProjectView

    runtime = session.runtime()
    return runtime, ProjectView.load(runtime, name, project)


def exit_interrupted(error: ComposerError) -> NoReturn:
    """After Ctrl-C: say what was (not) done, and exit 130."""
    console.error(error.message, error.hint)
    raise typer.Exit(INTERRUPTED) from None
