"""The attributes docker compose merges differently from the default rule, one function each.

Each rule gets the merger, the earlier value (located in `m.out` at `path`) and the later one
(located in `src` at `opath`), and returns the merged value with its locations written.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from composer.loader.combine.relocate import Entries, copy_children, pop_children
from composer.loader.sources import Location, Path

if TYPE_CHECKING:
    from composer.loader.combine.merge import Merger

_DEPENDS_ON_DEFAULT = {"condition": "service_started", "required": True}


def go_text(value: Any) -> str:
    """A scalar as docker compose prints it into a `key=value` item (Go's `%v`)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def _go_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    # Go's %v switches to an exponent only from 1e21 (and below 1e-4); Python's repr at 1e16
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text and 1e-4 <= abs(value) < 1e21:
        return format(Decimal(text), "f")
    return text


class Item:
    """One item of a rebuilt sequence and where its locations come from."""

    __slots__ = ("loc", "spath", "src", "value")

    def __init__(
        self,
        value: Any,
        loc: Location | None,
        src: Entries | None = None,
        spath: Path | None = None,
    ) -> None:
        self.value = value
        self.loc = loc
        self.src = src
        self.spath = spath


def _sequence_items(value: Any, src: Entries, path: Path) -> list[Item]:
    """A list, a mapping (as sorted `k=v` items) or a string as sequence items."""
    if isinstance(value, list):
        return [Item(v, src.get((*path, i)), src, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        items = []
        for key, val in value.items():
            loc = src.get((*path, key))
            if val is None:
                items.append(Item(key, loc))
            elif isinstance(val, list):
                items.extend(Item(f"{key}={go_text(v)}", loc) for v in val)
            else:
                items.append(Item(f"{key}={go_text(val)}", loc))
        items.sort(key=lambda item: str(item.value))
        return items
    if value is None:
        return []
    return [Item(value, src.get(path))]


def _to_sequence(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
    """`k=v` attributes: both sides become sequences, appended (unicity keeps the later key)."""
    if over is None:
        return base
    over = m.markers(base, over, path)
    old = pop_children(base, m.out, path)
    items = _sequence_items(base, old, path) + _sequence_items(over, src, opath)
    return m.rebuild(items, path)


def _union(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
    """extra_hosts: the override's items that the base does not already have are appended."""
    if over is None:
        return base
    over = m.markers(base, over, path)
    old = pop_children(base, m.out, path)
    items = _sequence_items(base, old, path)
    seen = {item.value for item in items if isinstance(item.value, str)}
    items += [i for i in _sequence_items(over, src, opath) if i.value not in seen]
    return m.rebuild(items, path)


def _as_mapping(
    value: Any, entries: Entries, path: Path, default: dict[str, Any] | None
) -> tuple[Any, Entries]:
    """A list of names as a mapping (`default` for each), its locations moved to the keys."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return value, entries  # not a list of names: the schema reports it
    old = pop_children(value, entries, path)
    mapping: dict[str, Any] = {}
    for index, name in enumerate(value):
        mapping[name] = dict(default) if default is not None else None
        loc = old.get((*path, index))
        if loc is not None:
            entries[(*path, name)] = loc
    return mapping, entries


def _mapping_rule(default: dict[str, Any] | None) -> _Rule:
    def rule(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
        """depends_on, networks, models: a list of names becomes a mapping, then merged."""
        if over is None:
            return base
        if isinstance(over, list):
            # convert a copy of the locations: the override's own map must not change
            over, src = _as_mapping(over, _item_entries(over, src, opath), opath, default)
        base, _ = _as_mapping(base, m.out, path, default)
        return m.default(base, over, src, opath, path)

    return rule


def _item_entries(value: list[Any], src: Entries, path: Path) -> Entries:
    """The locations of the items of a list of names (they have no descendants)."""
    found = {}
    for index in range(len(value)):
        loc = src.get((*path, index))
        if loc is not None:
            found[(*path, index)] = loc
    return found


def _build(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
    """build: a string is `{context: string}`, then the mappings merge."""
    if over is None:
        return base
    if isinstance(base, str):
        loc = m.out.get(path)
        base = {"context": base}
        if loc is not None:
            m.out[(*path, "context")] = loc
    if isinstance(over, str):
        loc = src.get(opath)
        src = {(*opath, "context"): loc} if loc is not None else {}
        over = {"context": over}
    return m.default(base, over, src, opath, path)


def _logging(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
    """logging: a different driver replaces the whole block; otherwise the options merge."""
    if isinstance(base, dict) and isinstance(over, dict):
        before, after = base.get("driver"), over.get("driver")
        if before is not None and after is not None and before != after:
            return m.replace(base, over, src, opath, path)
    return m.default(base, over, src, opath, path)


def _replace(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
    """command, entrypoint, healthcheck.test, ulimits.<name>: the later value wins whole."""
    return m.replace(base, over, src, opath, path)


def _ipam_config(m: Merger, base: Any, over: Any, src: Entries, opath: Path, path: Path) -> Any:
    """ipam.config: the later list wins, each entry merged onto the earlier one of its subnet.

    docker compose drops an earlier subnet the later file does not name, as we do; it also
    mixes up entries when both files list several subnets, which we do not copy.
    """
    if not (isinstance(base, list) and isinstance(over, list)):
        return m.default(base, over, src, opath, path)
    old = pop_children(base, m.out, path)
    by_subnet: dict[Any, int] = {}
    for index, entry in enumerate(base):
        if isinstance(entry, dict) and entry.get("subnet") is not None:
            by_subnet.setdefault(entry["subnet"], index)
    result = []
    for index, entry in enumerate(over):
        ipath, iopath = (*path, index), (*opath, index)
        match = by_subnet.get(entry.get("subnet")) if isinstance(entry, dict) else None
        if match is None:
            loc = src.get(iopath)
            if loc is not None:
                m.out[ipath] = loc
            copy_children(entry, src, iopath, m.out, ipath)
            result.append(entry)
            continue
        earlier = dict(base[match])
        copy_children(earlier, old, (*path, match), m.out, ipath)
        result.append(m.mapping(earlier, entry, src, iopath, ipath))
        loc = src.get(iopath)
        if loc is not None:
            m.out[ipath] = loc
    return result


_Rule = Callable[["Merger", Any, Any, Entries, Path, Path], Any]
_RULE = object()

_RULE_TABLE: dict[str, _Rule] = {
    "services.*.command": _replace,
    "services.*.entrypoint": _replace,
    "services.*.healthcheck.test": _replace,
    "services.*.ulimits.*": _replace,
    "services.*.logging": _logging,
    "services.*.build": _build,
    "services.*.depends_on": _mapping_rule(_DEPENDS_ON_DEFAULT),
    "services.*.networks": _mapping_rule(None),
    "services.*.models": _mapping_rule(None),
    "services.*.extra_hosts": _union,
    "services.*.build.extra_hosts": _union,
    "networks.*.ipam.config": _ipam_config,
    **{
        pattern: _to_sequence
        for pattern in (
            "services.*.environment",
            "services.*.labels",
            "services.*.annotations",
            "services.*.sysctls",
            "services.*.tmpfs",
            "services.*.dns",
            "services.*.dns_opt",
            "services.*.dns_search",
            "services.*.env_file",
            "services.*.label_file",
            "services.*.build.args",
            "services.*.build.labels",
            "services.*.build.additional_contexts",
            "services.*.deploy.labels",
            "networks.*.labels",
            "volumes.*.labels",
        )
    },
}


def _compile(table: dict[str, _Rule]) -> dict[Any, Any]:
    """The patterns as a trie: one level per key, `*` matching any name."""
    trie: dict[Any, Any] = {}
    for pattern, rule in table.items():
        node = trie
        for part in pattern.split("."):
            node = node.setdefault(part, {})
        node[_RULE] = rule
    return trie


_TRIE = _compile(_RULE_TABLE)


def rule_for(path: Path) -> _Rule | None:
    node = _TRIE
    for key in path:
        nxt = node.get(key) if isinstance(key, str) else None
        if nxt is None:
            nxt = node.get("*") if isinstance(key, str) else None
            if nxt is None:
                return None
        node = nxt
    rule: _Rule | None = node.get(_RULE)
    return rule
