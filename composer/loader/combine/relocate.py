"""Move the source locations of a whole subtree when merge, extends or include moves its data."""

from __future__ import annotations

from typing import Any

from composer.loader.read.tags import Override, Reset
from composer.loader.sources import Location, Path

Entries = dict[Path, Location]


def unwrap(value: Any) -> Any:
    """The value inside a `!reset` / `!override` marker (the marker's children share its path)."""
    while isinstance(value, Reset | Override):
        value = value.value
    return value


def _children(value: Any) -> Any:
    """The (key, child) pairs of a mapping or sequence (through markers); None for scalars."""
    kind = type(value)
    if kind is Reset or kind is Override:
        value = unwrap(value)
        kind = type(value)
    if kind is dict:
        return value.items()
    if kind is list:
        return enumerate(value)
    return None


def _has_children(value: Any) -> bool:
    kind = type(value)
    return kind is dict or kind is list or kind is Reset or kind is Override


def copy_children(value: Any, src: Entries, spath: Path, dst: Entries, dpath: Path) -> None:
    """Copy the locations of every descendant of `value` (found at `spath` in `src`) to `dpath`."""
    children = _children(value)
    if children is None:
        return
    get = src.get
    for key, child in children:
        child_spath = (*spath, key)
        child_dpath = (*dpath, key)
        loc = get(child_spath)
        if loc is not None:
            dst[child_dpath] = loc
        if _has_children(child):
            copy_children(child, src, child_spath, dst, child_dpath)


def copy_subtree(value: Any, src: Entries, spath: Path, dst: Entries, dpath: Path) -> None:
    """Copy the location of the node at `spath` and of all its descendants to `dpath`."""
    loc = src.get(spath)
    if loc is not None:
        dst[dpath] = loc
    copy_children(value, src, spath, dst, dpath)


def pop_children(value: Any, entries: Entries, path: Path) -> Entries:
    """Remove the locations of every descendant of `value` at `path`; return them (same keys)."""
    removed: Entries = {}
    _pop_into(value, entries, path, removed)
    return removed


def _pop_into(value: Any, entries: Entries, path: Path, removed: Entries) -> None:
    children = _children(value)
    if children is None:
        return
    pop = entries.pop
    for key, child in children:
        child_path = (*path, key)
        loc = pop(child_path, None)
        if loc is not None:
            removed[child_path] = loc
        if _has_children(child):
            _pop_into(child, entries, child_path, removed)


def pop_subtree(value: Any, entries: Entries, path: Path) -> Entries:
    """Remove the location of the node at `path` and of its descendants; return them."""
    removed = pop_children(value, entries, path)
    loc = entries.pop(path, None)
    if loc is not None:
        removed[path] = loc
    return removed
