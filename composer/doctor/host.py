"""Everything doctor reads from or writes to the machine, behind one small replaceable object."""

from __future__ import annotations

import contextlib
import os
import pwd
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from composer.runtime import socket as podman_socket

COMMAND_TIMEOUT_SECONDS = 60
# A command that could not be started at all answers like a shell would.
NOT_FOUND_RC = 127
UNLIMITED = -1


@dataclass(frozen=True)
class CommandResult:
    """What a command printed and returned."""

    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class FileInfo:
    """The parts of a stat() doctor looks at."""

    mode: int
    uid: int


@dataclass(frozen=True)
class Identity:
    """Who doctor runs as (effective IDs: that is what Podman sees)."""

    uid: int
    gid: int
    name: str
    home: str

    @property
    def is_root(self) -> bool:
        return self.uid == 0


@dataclass(frozen=True)
class SocketCandidate:
    """A Podman API URL composer would try, and where it came from."""

    url: str
    origin: str


class Host(Protocol):
    """The readings and the few writes doctor needs; tests give a fake one."""

    @property
    def environ(self) -> Mapping[str, str]: ...

    def identity(self) -> Identity: ...

    def read_text(self, path: str) -> str | None: ...

    def listdir(self, path: str) -> list[str]: ...

    def stat(self, path: str) -> FileInfo | None: ...

    def access(self, path: str, mode: int) -> bool: ...

    def has_file_capabilities(self, path: str) -> bool: ...

    def which(self, name: str) -> str | None: ...

    def run(self, argv: Sequence[str]) -> CommandResult: ...

    def getrlimit(self, name: str) -> tuple[int, int] | None: ...

    def socket_candidates(self, podman: str | None) -> list[SocketCandidate]: ...

    def ping(self, url: str) -> bool: ...

    def write_text(self, path: str, content: str) -> None: ...


class LocalHost:
    """The machine doctor runs on."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ: Mapping[str, str] = dict(os.environ if environ is None else environ)

    def identity(self) -> Identity:
        uid = os.geteuid()
        try:
            entry = pwd.getpwuid(uid)
            name, home = entry.pw_name, entry.pw_dir
        except KeyError:
            name, home = self.environ.get("USER", str(uid)), "/"
        return Identity(uid, os.getegid(), name, self.environ.get("HOME") or home)

    def read_text(self, path: str) -> str | None:
        try:
            return Path(path).read_text(errors="replace")
        except OSError:
            return None

    def listdir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(path))
        except OSError:
            return []

    def stat(self, path: str) -> FileInfo | None:
        try:
            info = os.stat(path)
        except OSError:
            return None
        return FileInfo(info.st_mode, info.st_uid)

    def access(self, path: str, mode: int) -> bool:
        return os.access(path, mode)

    def has_file_capabilities(self, path: str) -> bool:
        try:
            return bool(os.getxattr(path, "security.capability"))
        except OSError:
            # ENODATA: no capabilities; ENOTSUP: the filesystem has none to give.
            return False

    def which(self, name: str) -> str | None:
        return shutil.which(name, path=self.environ.get("PATH", os.defpath))

    def run(self, argv: Sequence[str]) -> CommandResult:
        try:
            done = subprocess.run(
                list(argv),
                env=dict(self.environ),
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT_SECONDS,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            return CommandResult(NOT_FOUND_RC, "", str(exc))
        except (OSError, subprocess.TimeoutExpired) as exc:
            return CommandResult(1, "", str(exc))
        return CommandResult(done.returncode, done.stdout, done.stderr)

    def getrlimit(self, name: str) -> tuple[int, int] | None:
        number = getattr(resource, f"RLIMIT_{name.upper()}", None)
        if not isinstance(number, int):
            return None
        soft, hard = resource.getrlimit(number)
        return _limit(soft), _limit(hard)

    def socket_candidates(self, podman: str | None) -> list[SocketCandidate]:
        def reported() -> str | None:
            return podman_socket.reported_socket(podman, self.environ) if podman else None

        found = podman_socket.candidates(self.environ, os.geteuid(), reported)
        return [SocketCandidate(item.url, item.origin) for item in found]

    def ping(self, url: str) -> bool:
        return podman_socket.ping(url)

    def write_text(self, path: str, content: str) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so Podman never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "w") as stream:
                stream.write(content)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _limit(value: int) -> int:
    return UNLIMITED if value == resource.RLIM_INFINITY else value
