"""The tar a build sends to Podman: the context directory, and the Containerfile when it is not
a file inside it (`dockerfile_inline`, or a `dockerfile` path outside the context).

podman-py would copy an outside Containerfile into the user's context directory and leave it
there; composer never writes into the project, so it puts the file into the tar instead.
"""

from __future__ import annotations

import tarfile
import tempfile
from fnmatch import fnmatch
from pathlib import Path
from typing import IO

from composer.runtime.base import BuildRequest
from composer.runtime.convert import add_file

EXTRA_CONTAINERFILE = ".composer.Containerfile"  # a name no project uses for its own file
IGNORE_FILES = (".containerignore", ".dockerignore")


def ignore_patterns(context: Path) -> list[str]:
    """The context's .containerignore (or else .dockerignore) patterns, comments left out."""
    for name in IGNORE_FILES:
        path = context / name
        if path.is_file():
            lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
            return [line for line in lines if line and not line.startswith("#")]
    return []


def default_containerfile(context: Path) -> str:
    """Podman's own choice: Containerfile, else Dockerfile."""
    if not (context / "Containerfile").exists() and (context / "Dockerfile").exists():
        return "Dockerfile"
    return "Containerfile"


def containerfile_in_context(request: BuildRequest) -> str | None:
    """The Containerfile's path inside the context, or None when it must travel in the tar."""
    if request.inline_containerfile:
        return None
    name = request.containerfile or default_containerfile(request.context)
    path = (request.context / name).resolve()
    try:
        return str(path.relative_to(request.context.resolve()))
    except ValueError:
        return None


def build_tar(request: BuildRequest) -> tuple[IO[bytes], str]:
    """A temporary tar of the build and the Containerfile's name in it."""
    excludes = ignore_patterns(request.context)

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        if not (info.isfile() or info.isdir() or info.issym()):
            return None
        if any(fnmatch(info.name, pattern) for pattern in excludes):
            return None
        info.uid = info.gid = 0  # the client's users mean nothing to the build
        info.uname = info.gname = "root"
        return info

    inside = containerfile_in_context(request)
    buffer = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(str(request.context), arcname="", recursive=True, filter=keep)
        if inside is None:
            text = request.inline_containerfile or _read_outside(request)
            add_file(tar, EXTRA_CONTAINERFILE, text.encode("utf-8"), 0o644)
    buffer.seek(0)
    return buffer, inside or EXTRA_CONTAINERFILE


def _read_outside(request: BuildRequest) -> str:
    return (request.context / request.containerfile).read_text(encoding="utf-8")
