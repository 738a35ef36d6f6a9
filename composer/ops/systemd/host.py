"""Facts about the host `composer systemd` writes for: the Podman version and absolute binaries.

Units name their binaries by absolute path, resolved when they are written (systemd's own
PATH differs from the user's, and podman-compose's hard-coded `/usr/bin` broke elsewhere).
"""

from __future__ import annotations

import re
import shutil
import subprocess

from composer.errors import ComposerError
from composer.generate.systemd_model import Scope, Version
from composer.generate.systemd_units import Host

_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?(?:[-+~].*)?$")


def parse_version(text: str, source: str = "--podman-version") -> Version:
    """`4.3`, `5.2.1` or `5.0.0-dev` as (major, minor)."""
    found = _VERSION.match(text.strip())
    if found is None:
        raise ComposerError(f'invalid {source} "{text}": use MAJOR.MINOR, e.g. 4.3 or 5.2')
    return int(found[1]), int(found[2])


def podman_version(podman: str) -> Version:
    """The installed Podman's version, from `podman version`."""
    argv = [podman, "version", "--format", "{{.Client.Version}}"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except OSError as error:
        raise ComposerError(f"cannot run {podman}: {error.strerror or error}") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ComposerError(
            f"`podman version` failed: {tail[0]}",
            hint="give the Podman version the units are for with --podman-version X.Y",
        )
    return parse_version(done.stdout, "Podman version")


def which(name: str) -> str | None:
    """The absolute path of a binary on PATH (tests replace this)."""
    return shutil.which(name)


def resolve_host(scope: Scope, version_flag: str | None) -> tuple[Host, Version]:
    """The binaries (absolute) and the Podman version the files are written for."""
    names = ("podman", "rm", "sh", "sleep", "mkdir", "cat", "systemctl")
    paths = {name: which(name) for name in names}
    missing = [name for name, path in paths.items() if not path]
    if missing:
        raise ComposerError(
            f"{', '.join(missing)} not found in PATH: units name every binary by its absolute "
            "path, resolved when they are written",
            hint="install Podman, or run composer systemd where the units will run",
        )
    podman = str(paths["podman"])
    version = parse_version(version_flag) if version_flag else podman_version(podman)
    host = Host(
        podman=podman,
        rm=str(paths["rm"]),
        sh=str(paths["sh"]),
        sleep=str(paths["sleep"]),
        mkdir=str(paths["mkdir"]),
        cat=str(paths["cat"]),
        systemctl=str(paths["systemctl"]),
        scope=scope,
        podman_version=version,
    )
    return host, version
