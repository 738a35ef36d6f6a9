"""A service's `env_file`s in units: Podman reads them by path, so their values never land there.

Podman's `--env-file` is not compose's `.env` grammar: it takes each line as `KEY=VALUE`
literally (4.3; from 4.7 it also trims spaces and double quotes). A file is passed by path only
when Podman reads every key the same way composer does; any other line is refused with its file
and line, so that a unit never starts a container with other values than `up` would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from composer.errors import ConfigError, Problem
from composer.generate.systemd_model import EnvFiles

_QUOTES = ('"', "'")
READ_HINT = (
    "units pass env files to Podman by path (values never go into the unit), and Podman's "
    "--env-file takes each line as KEY=VALUE literally: no quotes, ${...}, export or spaces "
    "around the value"
)


@dataclass(frozen=True)
class _Entry:
    key: str
    value: str | None  # None: a line without `=` (Podman would take the host's variable)
    line: int


def literal_entries(text: str) -> list[_Entry]:
    """The lines of an env file as Podman 4.3 reads them (comments and blank lines skipped)."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip(" \t")
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        entries.append(_Entry(key, value if sep else None, number))
    return entries


def _portable(value: str) -> bool:
    """Read alike by every Podman: no surrounding whitespace, no leading quote."""
    return value == value.strip() and not value.startswith(_QUOTES)


def check_env_file(
    path: str, text: str, expected: Mapping[str, str], keys: Iterable[str]
) -> list[Problem]:
    """Where Podman would read the `keys` of `path` otherwise than the `expected` values."""
    problems = []
    last: dict[str, _Entry] = {}
    for entry in literal_entries(text):
        last[entry.key] = entry
    checked = set(keys)
    for key, entry in last.items():
        if key not in checked:
            continue
        wanted = expected.get(key)
        if entry.value is None or wanted is None or entry.value != wanted or not _portable(wanted):
            problems.append(
                Problem(path, entry.line, "", f"{key.strip() or '='}: {_why(entry, wanted)}")
            )
    return problems


def _why(entry: _Entry, wanted: str | None) -> str:
    if entry.value is None:
        return 'a line without "=" (Podman would take the value from its own environment)'
    if wanted is None:
        return "Podman would read this line as another variable than compose does"
    return "Podman's --env-file would read another value than compose does"


def service_env_files(
    service: str,
    entries: Iterable[Mapping[str, Any]],
    declared: Iterable[str],
    final_env: Mapping[str, str | None],
    working_dir: str,
    read_text: Callable[[str], str],
) -> tuple[EnvFiles, list[Problem]]:
    """The env files a unit passes by path, and the problems that stop it."""
    declared_keys = frozenset(declared)
    paths, problems = [], []
    from_files: dict[str, str] = {}
    texts = {}
    for entry in entries:
        path = os.path.join(working_dir, str(entry.get("path", "")))
        if not os.path.isfile(path):
            continue  # a missing optional file (a required one failed the load already)
        texts[path] = read_text(path)
        paths.append(path)
    for key, value in final_env.items():
        if key not in declared_keys and value is not None:
            from_files[key] = value
    # A later file overrides an earlier one: each file is checked against the final values
    # only for the keys it is the last to set.
    setters = {e.key: path for path in paths for e in literal_entries(texts[path])}
    for path in paths:
        mine = {key for key, setter in setters.items() if setter == path} - declared_keys
        problems += check_env_file(path, texts[path], from_files, mine)
    missing = sorted(set(from_files) - set(setters))
    for key in missing:
        problems.append(
            Problem(
                None,
                None,
                f"services.{service}.env_file",
                f"{key}: Podman's --env-file would not read this variable from the files",
            )
        )
    return EnvFiles(tuple(paths), declared_keys), problems


def env_files_of(
    services: Mapping[str, Mapping[str, Any]],
    model_env: Mapping[str, Mapping[str, str | None]],
    working_dir: str,
    read_text: Callable[[str], str],
) -> dict[str, EnvFiles]:
    """Per service with `env_file`: what its units pass by path; raise on any problem."""
    found: dict[str, EnvFiles] = {}
    problems: list[Problem] = []
    for name, data in sorted(services.items()):
        entries = data.get("env_file") or ()
        if not entries or name not in model_env:
            continue
        declared = (data.get("environment") or {}).keys()
        files, more = service_env_files(
            name, entries, declared, model_env[name], working_dir, read_text
        )
        found[name] = files
        problems += more
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)), hint=READ_HINT)
    return found
