"""Helpers for the `composer systemd` tests: generate a project's files without the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from composer.generate.systemd_model import Version
from composer.generate.systemd_units import Host
from composer.generate.unit_text import UnitFile
from composer.loader.context import LoadOptions
from composer.loader.pipeline import LoadedProject, load
from composer.ops.systemd.files import Generated, generate

REPO = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "systemd"
GOLDEN = Path(__file__).resolve().parent / "golden" / "systemd"
GOGS = REPO / "examples" / "gogs-postgres"
# What `podman image inspect` says of the images the examples use (VOLUME paths).
IMAGE_VOLUMES = {"docker.io/library/postgres:14.1-bullseye": ("/var/lib/postgresql/data",)}


def host(version: Version = (4, 3), scope: str = "system") -> Host:
    """Fixed binary paths, so that golden files do not depend on the machine."""
    return Host(
        podman="/usr/bin/podman",
        rm="/usr/bin/rm",
        sh="/usr/bin/sh",
        sleep="/usr/bin/sleep",
        mkdir="/usr/bin/mkdir",
        scope="user" if scope == "user" else "system",
        podman_version=version,
    )


def generate_files(
    directory: Path,
    *,
    files: tuple[str, ...] = ("compose.yaml",),
    fmt: str = "units",
    version: Version = (4, 3),
    project: str | None = None,
    services: tuple[str, ...] = (),
    pod_mode: str | None = None,
    scope: str = "system",
) -> Generated:
    environ = {"COMPOSE_PROJECT_NAME": project} if project else {}
    base = LoadOptions(cwd=str(directory), environ=environ, files=files)

    def loader(**overrides: Any) -> LoadedProject:
        from dataclasses import replace

        return load(replace(base, **overrides))

    return generate(
        loader,
        loader,
        services,
        fmt,
        host(version, scope),
        pod_mode,
        environ,
        image_volumes=lambda image: IMAGE_VOLUMES.get(image, None if image == "unknown" else ()),
    )


CONFIG_HASH = re.compile(r"(com\.docker\.compose\.config-hash=)[0-9a-f]{64}")


def texts(files: list[UnitFile], *replacements: tuple[str, str]) -> dict[str, str]:
    """Each file's text by name, with machine-specific paths replaced by placeholders.

    Config hashes cover the absolute paths of bind mounts, so they differ from checkout to
    checkout: they are replaced too (tests/unit/test_hashing.py holds the hash itself).
    """
    found = {}
    for file in files:
        text = file.text()
        for old, new in replacements:
            text = text.replace(old, new)
        found[file.name] = CONFIG_HASH.sub(r"\1<hash>", text)
    return found
