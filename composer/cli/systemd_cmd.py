"""`composer systemd`: systemd units or Quadlet files that run the project at boot."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from composer import console
from composer.cli.session import Session
from composer.errors import ComposerError

if TYPE_CHECKING:
    from composer.generate.systemd_model import Scope
    from composer.generate.unit_text import UnitFile
    from composer.ops.systemd.install import InstallDirs


@dataclass(frozen=True)
class SystemdFlags:
    services: tuple[str, ...]
    output: str | None
    fmt: str
    user: bool
    system: bool
    install: bool
    enable: bool
    remove: bool
    podman_version: str | None


def check_flags(flags: SystemdFlags) -> None:
    """Refuse contradictory flags before anything is loaded."""
    from composer.ops.systemd.files import FORMATS

    if flags.fmt not in FORMATS:
        raise ComposerError(f'unsupported format "{flags.fmt}": use units or quadlet')
    if flags.user and flags.system:
        raise ComposerError("--user and --system are incompatible")
    if flags.remove and (flags.install or flags.enable or flags.output or flags.services):
        raise ComposerError("--remove cannot be combined with --install, --enable, -o or services")
    if flags.enable and not flags.install:
        raise ComposerError("--enable needs --install")
    if flags.install and flags.output:
        raise ComposerError(
            "--install and -o are incompatible: --install writes where systemd reads units"
        )


def scope_of(flags: SystemdFlags, euid: int) -> Scope:
    """--user / --system, else root's units are system units and a user's are user units."""
    scope: Scope = (
        "user" if flags.user else "system" if flags.system else ("system" if euid == 0 else "user")
    )
    if flags.install or flags.remove:
        if scope == "user" and euid == 0:
            raise ComposerError(
                "--user installs units for the user running composer, and that is root here",
                hint="use --system, or run composer as the user who runs the project",
            )
        if scope == "system" and euid != 0:
            raise ComposerError(
                "--system needs root: system units go to /etc/systemd/system",
                hint="run it with sudo, or use --user for your own units",
            )
    return scope


def systemd(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(help="Services (default: all).")] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="Write the files into this directory.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="units (default) or quadlet.")] = "units",
    user: Annotated[bool, typer.Option("--user", help="User units (default: not root).")] = False,
    system: Annotated[bool, typer.Option("--system", help="System units (default: root).")] = False,
    install: Annotated[
        bool, typer.Option("--install", help="Write the files where systemd reads them.")
    ] = False,
    enable: Annotated[
        bool, typer.Option("--enable", help="With --install: enable and start the project.")
    ] = False,
    remove: Annotated[
        bool, typer.Option("--remove", help="Stop the project and remove its installed files.")
    ] = False,
    podman_version: Annotated[
        str | None,
        typer.Option("--podman-version", help="Write for this Podman version (X.Y)."),
    ] = None,
) -> None:
    """Write systemd units (or Quadlet files) that run the project under systemd."""
    from composer.ops.systemd import install as installer

    session: Session = ctx.obj
    flags = SystemdFlags(
        tuple(services or ()), output, fmt, user, system, install, enable, remove, podman_version
    )
    check_flags(flags)
    scope = scope_of(flags, os.geteuid())
    dirs = installer.default_dirs(scope, session.environ)
    if flags.remove:
        _remove(session, scope, dirs)
        return
    project, files = _generate(session, flags, scope)
    if flags.install:
        _install(session, project, files, flags, scope, dirs)
    elif flags.output:
        _write_to(Path(flags.output), project, files)
    else:
        console.out("\n".join(file.text() for file in files), end="")


def _generate(session: Session, flags: SystemdFlags, scope: Scope) -> tuple[str, list[UnitFile]]:
    from composer.loader.pipeline import load
    from composer.ops.systemd.files import generate
    from composer.ops.systemd.host import resolve_host

    host, _ = resolve_host(scope, flags.podman_version)
    generated = generate(
        session.load,
        lambda **overrides: load(session.load_options(**overrides)),
        flags.services,
        flags.fmt,
        host,
        session.options.pod_mode,
        session.environ,
        image_volumes=_image_volumes(session),
    )
    for warning in generated.warnings:
        console.warn(warning)
    return generated.project, generated.files


def _image_volumes(session: Session) -> Callable[[str], tuple[str, ...] | None] | None:
    """The local images' VOLUME paths through Podman, asked only when a service needs them."""
    from composer.errors import PodmanUnavailableError

    state: dict[str, bool] = {"failed": False}

    def volumes(image: str) -> tuple[str, ...] | None:
        if state["failed"]:
            return None
        try:
            runtime = session.runtime()
            return runtime.image_volumes(image) if runtime.image_exists(image) else None
        except PodmanUnavailableError as error:
            console.warn(f"{error.message}; image volumes are not looked at")
            state["failed"] = True
            return None

    return volumes


def _write_to(directory: Path, project: str, files: list[UnitFile]) -> None:
    """-o DIR: the files, unless one there was not written by composer (then nothing)."""
    from composer.ops.systemd import install as installer

    dirs = installer.InstallDirs(units=directory, quadlet=directory)
    places = [installer.Placement(file, directory / file.name) for file in files]
    installer.check(places, project, dirs)
    installer.write(places, project, dirs)
    for place in places:
        console.out(str(place.path))


def _install(
    session: Session,
    project: str,
    files: list[UnitFile],
    flags: SystemdFlags,
    scope: Scope,
    dirs: InstallDirs,
) -> None:
    from composer.ops.systemd import install as installer

    running = installer.systemd_running(scope, session.environ)
    if flags.enable and not running:
        raise ComposerError(
            f"--enable needs a running systemd ({_manager(scope)} is not running here)",
            hint="install without --enable, then enable the target where systemd runs",
        )
    places = installer.placements(files, flags.fmt, dirs)
    installer.check(places, project, dirs)
    stale = installer.write(places, project, dirs)
    for place in places:
        console.out(f"wrote {place.path}")
    for path in stale:
        console.out(f"removed {path} (no longer in the project)")
    target = f"{project}.target"
    if running:
        installer.systemctl(scope, "daemon-reload")
    else:
        console.warn(
            f"{_manager(scope)} is not running here: run `{_ctl(scope)} daemon-reload` "
            "where it runs"
        )
    if flags.enable:
        installer.systemctl(scope, "enable", "--now", target)
        console.out(f"enabled and started {target}")
    else:
        console.out(f"start it now:   {_ctl(scope)} start {target}")
        console.out(f"start at boot:  {_ctl(scope)} enable {target}")
    if scope == "user":
        name = session.environ.get("USER") or str(os.getuid())
        console.out(
            f"keep it running when you log out (and start it at boot): "
            f"loginctl enable-linger {name}"
        )


def _remove(session: Session, scope: Scope, dirs: InstallDirs) -> None:
    from composer.ops.systemd import install as installer

    project = session.load().name
    found = installer.installed(project, dirs)
    if not found:
        raise ComposerError(
            f"nothing of project {project} is installed in {dirs.units} or {dirs.quadlet}"
        )
    running = installer.systemd_running(scope, session.environ)
    if running:
        # `stop` with every unit named waits until all have stopped (stopping the target
        # alone returns at once), so no unit loses its file while it still runs.
        units = sorted({installer.service_name(path.name) for path in found})
        installer.systemctl(scope, "stop", *units)
        installer.systemctl(scope, "disable", f"{project}.target")
    for path in found:
        path.unlink()
        console.out(f"removed {path}")
    if running:
        installer.systemctl(scope, "daemon-reload")


def _manager(scope: Scope) -> str:
    return "systemd" if scope == "system" else "your user's systemd"


def _ctl(scope: Scope) -> str:
    return "systemctl" if scope == "system" else "systemctl --user"


def register(app: typer.Typer) -> None:
    app.command("systemd")(systemd)
