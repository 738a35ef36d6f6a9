"""Stage: merge documents with the Compose Specification's rules (as docker compose applies them).

A mapping is merged key by key, a sequence is appended, a scalar is replaced; `merge_rules`
holds the attributes that docker compose merges differently. `!reset` drops an attribute from what
was merged before, `!override` replaces it unmerged. Source locations follow the data: the later
file's entries win and appended sequence items get their new indices.
"""

from __future__ import annotations

from typing import Any

from composer.errors import ConfigError, Problem
from composer.loader.combine.merge_rules import Item, go_text, rule_for
from composer.loader.combine.merge_unicity import enforce_unicity, strip_markers
from composer.loader.combine.relocate import Entries, copy_children, pop_children, pop_subtree
from composer.loader.context import ConfigDocument
from composer.loader.read.tags import Override, Reset
from composer.loader.sources import Path, format_path

_MISSING = object()

__all__ = ["Merger", "finish", "go_text", "merge_documents", "merge_values"]


def merge_documents(base: ConfigDocument, override: ConfigDocument) -> ConfigDocument:
    """Merge `override` onto `base` (which is consumed: its data and sources are reused)."""
    merger = Merger(base.sources.entries)
    data = merger.value(base.data, override.data, override.sources.entries, (), ())
    merger.raise_problems()
    return ConfigDocument(base.path, base.display, base.directory, data, base.sources)


def merge_values(
    base: Any, over: Any, over_entries: Entries, over_path: Path, out: Entries, path: Path
) -> Any:
    """Merge `over` onto `base` at `path` (extends uses it for one service).

    `base` is modified in place; its locations must already be in `out` under `path`. The
    locations of `over` are read from `over_entries` under `over_path`.
    """
    merger = Merger(out)
    result = merger.value(base, over, over_entries, over_path, path)
    merger.raise_problems()
    return result


def finish(doc: ConfigDocument) -> ConfigDocument:
    """After the last merge: drop the markers left over, then remove redefined sequence items."""
    entries = doc.sources.entries
    doc.data = strip_markers(doc.data, entries, ())
    problems = enforce_unicity(doc.data, doc.sources)
    if problems:
        raise ConfigError(problems)
    return doc


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a sequence"
    return "a scalar"


class Merger:
    """One merge: writes locations into `out` and collects the problems it finds."""

    def __init__(self, out: Entries) -> None:
        self.out = out
        self.problems: list[Problem] = []

    def raise_problems(self) -> None:
        if self.problems:
            raise ConfigError(self.problems)

    def value(self, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
        """Merge `over` (located in `src` under `opath`) onto `base` (located in out at `path`)."""
        if isinstance(base, Override):
            base = base.value  # a marker an earlier file left: its value merges normally
        rule = rule_for(path)
        if rule is not None:
            return rule(self, base, over, src, opath, path)
        return self.default(base, over, src, opath, path)

    def markers(self, base: Any, over: Any, path: Path) -> Any:
        """Apply the markers of `over`'s keys to `base` before its items become `k=v` strings.

        Like docker compose, a marker only reaches a base written as a mapping: `B: !reset`
        leaves a `B=1` list item alone.
        """
        if not isinstance(over, dict) or not any(
            isinstance(v, Reset | Override) for v in over.values()
        ):
            return over
        kept = {}
        for key, value in over.items():
            if isinstance(value, Reset | Override) and isinstance(base, dict) and key in base:
                pop_subtree(base.pop(key), self.out, (*path, key))
            if isinstance(value, Override):
                kept[key] = value.value
            elif not isinstance(value, Reset):
                kept[key] = value
        return kept

    def default(self, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
        if over is None:
            return base
        if isinstance(base, dict):
            if isinstance(over, dict):
                return self.mapping(base, over, src, opath, path)
            return self.mismatch(base, over, src, opath, path)
        if isinstance(base, list):
            if isinstance(over, list):
                return self.append(base, over, src, opath, path)
            return self.mismatch(base, over, src, opath, path)
        return self.replace(base, over, src, opath, path)

    def mismatch(self, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
        loc = src.get(opath) or self.out.get(path)
        message = f"cannot override {_kind(base)} with {_kind(over)}"
        file, line = (loc.file, loc.line) if loc else (None, None)
        self.problems.append(Problem(file, line, format_path(path), message))
        return base

    def replace(self, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
        pop_children(base, self.out, path)
        copy_children(over, src, opath, self.out, path)
        return over

    def mapping(
        self, base: dict[str, Any], over: dict[str, Any], src: Entries, opath: Path, path: Path
    ) -> dict[str, Any]:
        out = self.out
        for key, value in over.items():
            kpath = (*path, key)
            kopath = (*opath, key)
            if isinstance(value, Reset):
                if key in base:
                    pop_subtree(base.pop(key), out, kpath)
                continue
            current = base.get(key, _MISSING)
            if current is _MISSING or isinstance(current, Reset) or isinstance(value, Override):
                if current is not _MISSING:
                    pop_children(current, out, kpath)
                if isinstance(value, Override):
                    value = value.value
                copy_children(value, src, kopath, out, kpath)
                base[key] = value
            else:
                base[key] = self.value(current, value, src, kopath, kpath)
            # after the merge: a rule may still need where the earlier value was written
            loc = src.get(kopath)
            if loc is not None:
                out[kpath] = loc
        return base

    def append(
        self, base: list[Any], over: list[Any], src: Entries, opath: Path, path: Path
    ) -> list[Any]:
        out = self.out
        start = len(base)
        for index, item in enumerate(over):
            ipath = (*path, start + index)
            iopath = (*opath, index)
            loc = src.get(iopath)
            if loc is not None:
                out[ipath] = loc
            copy_children(item, src, iopath, out, ipath)
        base.extend(over)
        return base

    def rebuild(self, items: list[Item], path: Path) -> list[Any]:
        """Write a new sequence at `path` (whose old locations are already gone)."""
        out = self.out
        result = []
        for index, item in enumerate(items):
            ipath = (*path, index)
            if item.loc is not None:
                out[ipath] = item.loc
            if item.src is not None and item.spath is not None:
                copy_children(item.value, item.src, item.spath, out, ipath)
            result.append(item.value)
        return result
