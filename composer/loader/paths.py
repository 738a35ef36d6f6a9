"""Relative paths made absolute against a base directory, in short or canonical (long) syntax.

Extends uses it on a service read from another file (before canonicalization), include on an
included project, normalize on the whole project. `~` expands to the given home directory.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable, Mapping
from typing import Any

from composer.loader.read.tags import Override, Reset

Resolve = Callable[[str], str]

# build contexts that name something other than a local directory (buildkit's rules)
_REMOTE_PREFIXES = ("https://", "http://", "git://", "ssh://", "github.com/", "git@")
_SERVICE_PREFIX = "service:"


def home_directory(environment: Mapping[str, str]) -> str:
    """`HOME` from the project environment, else the user's home from the password database."""
    home = environment.get("HOME")
    if home:
        return home
    try:
        return pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:
        return "/"


def absolute(value: str, base_dir: str, home: str) -> str:
    """`value` as an absolute path: `~` is `home`, a relative path is joined to `base_dir`.

    An absolute path is returned unchanged; the others are cleaned (`..` and `.` removed),
    as docker compose does.
    """
    if value.startswith("~"):
        return os.path.normpath(f"{home}/{value[1:]}")
    if os.path.isabs(value):
        return value
    return os.path.normpath(os.path.join(base_dir, value))


def is_windows_absolute(value: str) -> bool:
    """`C:\\x`, `C:/x` or `\\\\server\\share`: a host path of a Windows client, kept as it is."""
    if value.startswith("\\\\"):
        return True
    return (
        len(value) >= 3
        and value[0].isascii()
        and value[0].isalpha()
        and value[1] == ":"
        and (value[2] in "\\/")
    )


def _host(path: Resolve) -> Resolve:
    """For host paths docker compose passes to the engine (mounts, secrets, ssh keys)."""
    return lambda value: value if is_windows_absolute(value) else path(value)


def base_directory(directory: str, working_dir: str, resolve: bool) -> str:
    """The directory to resolve a file's paths against, seen from `working_dir`.

    With path resolution off (`config --no-path-resolution`) docker compose still rebases the
    paths of an included or extended file, as paths relative to the working directory.
    """
    return directory if resolve else os.path.relpath(directory, working_dir)


def is_local_context(value: str) -> bool:
    """Whether a build context (or additional context) is a local directory."""
    return not ("://" in value or value.startswith((_SERVICE_PREFIX, *_REMOTE_PREFIXES)))


def resolve_paths(data: dict[str, Any], base_dir: str, home: str) -> dict[str, Any]:
    """Make every relative path of a compose document absolute, in place; returns `data`."""

    def path(value: str) -> str:
        return absolute(value, base_dir, home)

    services = _unwrap(data.get("services"))
    if isinstance(services, dict):
        for service in services.values():
            service = _unwrap(service)
            if isinstance(service, dict):
                _service(service, path)
    for kind in ("configs", "secrets"):
        resources = _unwrap(data.get(kind))
        if isinstance(resources, dict):
            for resource in resources.values():
                _update(_unwrap(resource), "file", _strings(_host(path)))
    volumes = _unwrap(data.get("volumes"))
    if isinstance(volumes, dict):
        for volume in volumes.values():
            _volume_device(_unwrap(volume), path)
    _update(data, "include", lambda include: _include(include, path))
    return data


def resolve_service_paths(service: dict[str, Any], base_dir: str, home: str) -> dict[str, Any]:
    """Make the relative paths of one service absolute, in place; returns `service`."""
    _service(service, lambda value: absolute(value, base_dir, home))
    return service


def _unwrap(value: Any) -> Any:
    while isinstance(value, Override):
        value = value.value
    return value


def _update(container: Any, key: str | int, change: Callable[[Any], Any]) -> None:
    """Apply `change` to `container[key]` when present (through an `!override` marker)."""
    if isinstance(container, dict):
        if key not in container:
            return
    elif not (isinstance(container, list) and isinstance(key, int)):
        return
    value = container[key]
    if isinstance(value, Reset) or value is None:
        return
    if isinstance(value, Override):
        container[key] = Override(change(value.value))
    else:
        container[key] = change(value)


def _strings(change: Resolve) -> Callable[[Any], Any]:
    """A change for a string, or for each string of a list."""

    def apply(value: Any) -> Any:
        if isinstance(value, str):
            return change(value)
        if isinstance(value, list):
            for index in range(len(value)):
                _update(value, index, apply)
        return value

    return apply


def _service(service: dict[str, Any], path: Resolve) -> None:
    _update(service, "build", lambda build: _build(build, path))
    _update(service, "env_file", _env_files(path))
    _update(service, "label_file", _strings(path))
    extends = _unwrap(service.get("extends"))
    if isinstance(extends, dict):
        _update(extends, "file", _strings(path))
    develop = _unwrap(service.get("develop"))
    if isinstance(develop, dict):
        _update(develop, "watch", _watch(path))
    _update(service, "volumes", _volumes(path))


def _context(path: Resolve) -> Resolve:
    return lambda value: path(value) if is_local_context(value) else value


def _build(build: Any, path: Resolve) -> Any:
    if isinstance(build, str):
        return _context(path)(build)
    if isinstance(build, dict):
        _update(build, "context", _strings(_context(path)))
        _update(build, "additional_contexts", _key_values(_context(path)))
        _update(build, "ssh", _key_values(_host(path), skip_bare=True))
    return build


def _key_values(change: Resolve, skip_bare: bool = False) -> Callable[[Any], Any]:
    """Paths given as `name=path` items or as a `name: path` mapping."""

    def item(value: str) -> str:
        name, sep, target = value.partition("=")
        if not sep:
            return value if skip_bare else change(value)
        return f"{name}={change(target)}"

    def apply(value: Any) -> Any:
        if isinstance(value, list):
            for index in range(len(value)):
                _update(value, index, _strings(item))
        elif isinstance(value, dict):
            for key in list(value):
                _update(value, key, _strings(change))
        return value

    return apply


def _env_files(path: Resolve) -> Callable[[Any], Any]:
    """`env_file`: a path, or a list of paths and `{path, required}` entries."""

    def apply(value: Any) -> Any:
        if isinstance(value, str):
            return path(value)
        if isinstance(value, list):
            for index, entry in enumerate(value):
                entry = _unwrap(entry)
                if isinstance(entry, str):
                    _update(value, index, _strings(path))
                elif isinstance(entry, dict):
                    _update(entry, "path", _strings(path))
        return value

    return apply


def _watch(path: Resolve) -> Callable[[Any], Any]:
    def real(value: str) -> str:
        resolved = path(value)
        try:
            return os.path.realpath(resolved, strict=True)  # docker resolves symlinks
        except OSError:
            return resolved

    def apply(value: Any) -> Any:
        if isinstance(value, list):
            for rule in value:
                _update(_unwrap(rule), "path", _strings(real))
        return value

    return apply


def _volumes(path: Resolve) -> Callable[[Any], Any]:
    def short(spec: str) -> str:
        source, sep, rest = spec.partition(":")
        # a short-syntax source starting with `.`, `/` or `~` is a bind mount (else a name)
        if sep and source.startswith((".", "~")):
            resolved = path(source)
            if not resolved.startswith(("/", ".")):
                resolved = f"./{resolved}"  # rebased, not resolved: still a bind, not a name
            return f"{resolved}:{rest}"
        return spec

    def apply(value: Any) -> Any:
        if not isinstance(value, list):
            return value
        for index, entry in enumerate(value):
            entry = _unwrap(entry)
            if isinstance(entry, str):
                _update(value, index, _strings(short))
            elif isinstance(entry, dict) and entry.get("type") == "bind":
                _update(entry, "source", _strings(_host(path)))
        return value

    return apply


def _volume_device(volume: Any, path: Resolve) -> None:
    """A local volume bound to a host directory (`o: bind`) names it by `device`."""
    if not isinstance(volume, dict) or volume.get("driver") != "local":
        return
    options = _unwrap(volume.get("driver_opts"))
    if isinstance(options, dict) and options.get("o") == "bind":
        _update(options, "device", _strings(path))


def _include(include: Any, path: Resolve) -> Any:
    if not isinstance(include, list):
        return include
    for index, entry in enumerate(include):
        entry = _unwrap(entry)
        if isinstance(entry, str):
            _update(include, index, _strings(path))
        elif isinstance(entry, dict):
            for key in ("path", "project_directory", "env_file"):
                _update(entry, key, _strings(path))
    return include
