"""Stage: short syntax to the canonical long syntax, value for value as `config` prints it.

Every attribute goes through the converter the tables name (service.py, resources.py):
ports and volumes in long form, list-or-mapping attributes as mappings, sizes in bytes,
durations as Go prints them, empty values left out. Unknown `x-*` keys are kept.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from composer.errors import ConfigError
from composer.loader.canonical.kinds import OMIT, Canon
from composer.loader.canonical.resources import RESOURCE_SECTIONS
from composer.loader.canonical.service import service
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.sources import Key, Location, Path, SourceMap


def canonicalize(doc: ConfigDocument, ctx: LoadContext) -> ConfigDocument:
    """Rewrite `doc.data` in canonical form; raise ConfigError listing every bad value."""
    cv = Canon(doc.sources, keep_variables=not ctx.options.interpolate)
    doc.data = canonical_data(doc.data, cv)
    if cv.problems:
        raise ConfigError(cv.problems)
    for warning in cv.warnings:
        ctx.warn(warning)
    apply_moves(doc.sources, cv.moves)
    return doc


def canonical_data(data: dict[str, Any], cv: Canon) -> dict[str, Any]:
    """The canonical form of a whole (merged) compose document."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key == "services":
            result[key] = canonical_services(value, cv)
            continue
        converter = RESOURCE_SECTIONS.get(key)
        if converter is None:
            result[key] = value
            continue
        converted = converter(value, (key,), cv)
        if converted is not OMIT:
            result[key] = converted
    result.setdefault("services", {})
    return result


def canonical_services(value: Any, cv: Canon) -> dict[str, Any]:
    """Every service in canonical form; a null service is an empty one."""
    if not isinstance(value, dict):
        if value is not None:
            cv.fail(("services",), "must be a mapping")
        return {}
    result: dict[str, Any] = {}
    for name, spec in value.items():
        converted = service({} if spec is None else spec, ("services", name), cv)
        if converted is not OMIT:
            result[name] = converted
    return result


def apply_moves(sources: SourceMap, moves: list[tuple[Path, dict[Key, Key]]]) -> None:
    """Make the source map follow re-shaped containers (new key -> the old key's location)."""
    if not moves:
        return
    groups: dict[Path, set[Path]] = defaultdict(set)
    for path in sources.entries:
        groups[path[:2]].add(path)
    for base, origins in moves:
        _move(sources, groups[base[:2]], base, origins)


def _move(sources: SourceMap, group: set[Path], base: Path, origins: dict[Key, Key]) -> None:
    """Re-key the entries below `base`: everything under old key k now sits under new key n."""
    depth = len(base)
    below = [path for path in group if len(path) > depth and path[:depth] == base]
    by_old: dict[Key, list[tuple[Path, Location]]] = defaultdict(list)
    for path in below:
        by_old[path[depth]].append((path[depth + 1 :], sources.entries.pop(path)))
        group.discard(path)
    for new, old in origins.items():
        for rest, location in by_old.get(old, ()):
            path = (*base, new, *rest)
            sources.entries[path] = location
            group.add(path)


def json_view(data: dict[str, Any]) -> dict[str, Any]:
    """What `config --format json` shows of canonical data (YAML shows the data as it is).

    The reference's JSON drops `x-*` keys below the top level, and prints an empty list
    inside a top-level `x-*` value as null. The data keeps both: the model reads them.
    """
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("x-"):
            result[key] = _empty_lists_as_null(value)
        else:
            result[key] = _without_extensions(value)
    return result


def _without_extensions(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_extensions(item)
            for key, item in value.items()
            if not (isinstance(key, str) and key.startswith("x-"))
        }
    if isinstance(value, list):
        return [_without_extensions(item) for item in value]
    return value


def _empty_lists_as_null(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _empty_lists_as_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_empty_lists_as_null(item) for item in value] or None
    return value
