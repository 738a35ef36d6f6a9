"""`composer systemd --install` / `--remove`: files where systemd and Quadlet read them.

Every check runs before anything is written: the directories must be writable, and no file
composer would write, nor a unit of the same name elsewhere on systemd's search path, may be
one composer did not write (recognised by its first line). Then the files are written, the
project's files from an earlier install that are no longer wanted are removed, and systemd is
told. `--remove` undoes exactly that: the project's files and units, nothing else.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from composer.errors import ComposerError
from composer.generate.systemd_model import Scope
from composer.generate.unit_text import UnitFile, written_for

QUADLET_SUFFIXES = {".container": "", ".pod": "-pod", ".network": "-network", ".volume": "-volume"}
QUADLET_SUFFIXES[".build"] = "-build"
Run = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


@dataclass(frozen=True)
class InstallDirs:
    """Where units and Quadlet files go, and the other directories systemd reads units from."""

    units: Path
    quadlet: Path
    search: tuple[Path, ...] = ()
    quadlet_search: tuple[Path, ...] = ()


def default_dirs(scope: Scope, environ: dict[str, str]) -> InstallDirs:
    """systemd's and Quadlet's directories for administrators (system) or one user."""
    if scope == "system":
        return InstallDirs(
            units=Path("/etc/systemd/system"),
            quadlet=Path("/etc/containers/systemd"),
            search=tuple(
                Path(p)
                for p in (
                    "/run/systemd/system",
                    "/usr/local/lib/systemd/system",
                    "/usr/lib/systemd/system",
                    "/lib/systemd/system",
                )
            ),
            quadlet_search=(Path("/run/containers/systemd"), Path("/usr/share/containers/systemd")),
        )
    home = Path(environ.get("HOME") or os.path.expanduser("~"))
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return InstallDirs(
        units=config / "systemd" / "user",
        quadlet=config / "containers" / "systemd",
        search=(
            Path("/etc/systemd/user"),
            home / ".local/share/systemd/user",
            Path("/usr/local/lib/systemd/user"),
            Path("/usr/lib/systemd/user"),
        ),
        quadlet_search=(
            Path(f"/etc/containers/systemd/users/{os.getuid()}"),
            Path("/etc/containers/systemd/users"),
        ),
    )


@dataclass(frozen=True)
class Placement:
    file: UnitFile
    path: Path


def placements(files: Iterable[UnitFile], fmt: str, dirs: InstallDirs) -> list[Placement]:
    """Units (and the target of a Quadlet project) in the unit dir; Quadlet files in theirs."""
    found = []
    for file in files:
        quadlet = fmt == "quadlet" and Path(file.name).suffix in QUADLET_SUFFIXES
        found.append(Placement(file, (dirs.quadlet if quadlet else dirs.units) / file.name))
    return found


def service_name(file_name: str) -> str:
    """The unit a file gives systemd: itself, or the service Quadlet generates from it."""
    path = Path(file_name)
    suffix = QUADLET_SUFFIXES.get(path.suffix)
    return file_name if suffix is None else f"{path.stem}{suffix}.service"


def _owner(path: Path) -> str | None:
    """The project composer wrote `path` for; None if someone else wrote it."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return written_for(handle.readline())
    except OSError:
        return None


def _writable_dir(path: Path) -> bool:
    """Whether `path` is a writable directory, or could be created as one."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def check(places: Sequence[Placement], project: str, dirs: InstallDirs) -> None:
    """Refuse, before anything is written, every clash and every directory not writable."""
    problems = []
    for directory in sorted({place.path.parent for place in places}):
        if not _writable_dir(directory):
            problems.append(f"cannot write to {directory}: the directory is not writable")
    for place in places:
        problems += _clashes(place, project, dirs)
    if problems:
        raise ComposerError(
            "\n".join(dict.fromkeys(problems)),
            hint="nothing was written; remove or rename what clashes, or pick another -p name",
        )


def _clashes(place: Placement, project: str, dirs: InstallDirs) -> list[str]:
    candidates = [place.path]
    unit = service_name(place.file.name)
    candidates += [directory / unit for directory in (dirs.units, *dirs.search)]
    if unit != place.file.name:
        candidates += [directory / place.file.name for directory in dirs.quadlet_search]
    problems = []
    for path in dict.fromkeys(candidates):
        if not path.exists():
            continue
        owner = _owner(path)
        if owner is None:
            problems.append(f"{path} exists and was not written by composer; it is not replaced")
        elif owner != project:
            problems.append(f"{path} was written by composer for project {owner}")
    return problems


def installed(project: str, dirs: InstallDirs) -> list[Path]:
    """The files composer wrote for `project` in the install directories."""
    found = []
    for directory in (dirs.units, dirs.quadlet):
        if directory.is_dir():
            found += [
                p for p in sorted(directory.iterdir()) if p.is_file() and _owner(p) == project
            ]
    return found


def write(places: Sequence[Placement], project: str, dirs: InstallDirs) -> list[Path]:
    """Write every file (each atomically); remove the project's files no longer wanted."""
    wanted = {place.path for place in places}
    stale = [path for path in installed(project, dirs) if path not in wanted]
    for place in places:
        place.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=place.path.parent, prefix=".composer-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(place.file.text())
        os.chmod(temporary, 0o644)
        os.replace(temporary, place.path)
    for path in stale:
        path.unlink()
    return stale


def systemd_running(scope: Scope, environ: dict[str, str]) -> bool:
    """Whether a systemd manager of this scope answers (system: PID 1; user: its socket)."""
    if scope == "system":
        return os.path.isdir("/run/systemd/system")
    runtime = environ.get("XDG_RUNTIME_DIR", "")
    return bool(runtime) and os.path.exists(os.path.join(runtime, "systemd", "private"))


def systemctl(scope: Scope, *args: str, run: Run | None = None) -> None:
    """Run systemctl (argv list); a failure is an error naming the command and what it said."""
    argv = ["systemctl", *(["--user"] if scope == "user" else []), *args]
    runner = run or _run
    done = runner(argv)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip() or f"exit code {done.returncode}"
        raise ComposerError(f"`{' '.join(argv)}` failed: {said}")


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=600, check=False)
    except OSError as error:
        raise ComposerError(f"cannot run systemctl: {error.strerror or error}") from None
