"""Lists with one entry per key, the last definition winning: `ports`, `volumes`, `devices`, ...

Entries keep their first position; the Canon learns where each one came from, so that later
errors still name the line of the item as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from composer.loader.canonical.kinds import OMIT, Canon
from composer.loader.sources import Key, Path

EntryKey = Callable[[Any], str]


def dedupe(entries: Sequence[tuple[Key, Any]], key: EntryKey) -> tuple[list[Any], dict[Key, Key]]:
    """Unique entries by `key`: the first position is kept and the last value wins.

    `entries` are (origin, value) pairs; returns the values and new index -> origin.
    """
    values: list[Any] = []
    origins: dict[Key, Key] = {}
    position: dict[str, int] = {}
    for origin, value in entries:
        unique = key(value)
        if unique in position:
            values[position[unique]] = value
            origins[position[unique]] = origin
            continue
        position[unique] = len(values)
        origins[len(values)] = origin
        values.append(value)
    return values, origins


def unique_entries(
    value: Any,
    at: Path,
    cv: Canon,
    entries_of: Callable[[Any, Path, Canon], Iterable[Any]],
    key: EntryKey,
) -> Any:
    """A list whose items each give long-syntax entries (`entries_of`), one entry per `key`.

    Unresolved items (`--no-interpolate`) are kept as written, after the others.
    """
    if value is None:
        return OMIT
    if not isinstance(value, list):
        return cv.fail(at, "must be a list")
    entries: list[tuple[Key, Any]] = []
    kept: list[Any] = []
    for index, item in enumerate(value):
        if cv.unresolved(item):
            kept.append(item)
            continue
        entries.extend((index, entry) for entry in entries_of(item, (*at, index), cv))
    result, origins = dedupe(entries, key)
    if kept:
        return [*result, *kept]  # only with --no-interpolate, which has no source map to keep
    cv.moved(at, origins)
    return result or OMIT
