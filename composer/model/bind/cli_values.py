"""Values typed on the command line (`run -p`, `run -v`, `-e`, `--env-from-file`), read as the
file's are.

They go through the loader's own short-syntax parsers and the same binding, so `-p 8080:80`
and `ports: ["8080:80"]` give one PortMapping; a relative bind source is taken from the project
directory, as in the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

from composer.errors import ComposerError
from composer.loader.canonical.ports import PortError, parse_port_spec
from composer.loader.canonical.volumes import VolumeError, parse_volume_spec
from composer.loader.read.dotenv import read_env_file
from composer.loader.sources import SourceMap
from composer.model.bind import parts
from composer.model.bind.values import Reader
from composer.model.parts import Mount, PortMapping


def _checked(reader: Reader, flag: str, value: str) -> None:
    if reader.problems:
        raise ComposerError(f'invalid {flag} value "{value}": {reader.problems[0].message}')


def port_mappings(values: tuple[str, ...]) -> tuple[PortMapping, ...]:
    """`-p [IP:][HOST:]CONTAINER[/PROTOCOL]` values as port mappings."""
    found: list[PortMapping] = []
    for value in values:
        try:
            entries = parse_port_spec(value)
        except PortError as error:
            raise ComposerError(
                f'invalid -p value "{value}": {error}',
                hint="use [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL], e.g. 8080:80",
            ) from None
        reader = Reader(SourceMap())
        found += parts.ports(entries, ("ports",), reader)
        _checked(reader, "-p", value)
    return tuple(found)


def mounts(values: tuple[str, ...], working_dir: str) -> tuple[Mount, ...]:
    """`-v SOURCE:TARGET[:OPTIONS]` values as mounts; bind sources made absolute."""
    found: list[Mount] = []
    for value in values:
        try:
            entry = parse_volume_spec(value)
        except VolumeError as error:
            raise ComposerError(
                f'invalid -v value "{value}": {error}',
                hint="use SOURCE:TARGET[:ro], a host path (./data, /srv) or a volume name",
            ) from None
        if entry["type"] == "bind":
            source = os.path.expanduser(str(entry["source"]))
            entry["source"] = os.path.normpath(os.path.join(working_dir, source))
        reader = Reader(SourceMap())
        found += parts.mounts([entry], ("volumes",), reader)
        _checked(reader, "-v", value)
    return tuple(found)


def environment(
    values: Iterable[str],
    files: Iterable[str],
    lookup: Mapping[str, str],
    warn: Callable[[str], None],
) -> dict[str, str]:
    """`-e KEY=VALUE` / `-e KEY` (from `lookup`, dropped when it has none), then the
    `--env-from-file` files, whose keys never override an `-e` (docker compose's order)."""
    found: dict[str, str] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not key:
            raise ComposerError(f'invalid -e value "{value}": use KEY=VALUE or KEY')
        if sep:
            found[key] = text
        elif key in lookup:
            found[key] = lookup[key]
    for path in files:
        for key, read in read_env_file(path, {**lookup, **found}, warn).items():
            if key not in found and read is not None:
                found[key] = read
    return found
