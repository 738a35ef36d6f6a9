"""Unicity after a merge: an item redefined later in a sequence replaces the earlier one.

For duplicate keys the first position is kept and the last value wins, as docker compose does
(`override/uncity.go`). Also removes the `!reset` / `!override` markers merge left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from composer.errors import Problem
from composer.loader.combine.relocate import Entries, copy_children, pop_children, pop_subtree
from composer.loader.read.tags import Override, Reset
from composer.loader.sources import Path, SourceMap

# The key an item is known by; None when the item has no usable key (it is kept as it is).
Indexer = Callable[[Any], str | None]


class MissingTargetError(Exception):
    """A long-syntax mount without `target`: it cannot be compared with the others."""


def strip_markers(value: Any, entries: Entries, path: Path) -> Any:
    """Replace `!override` markers by their value and drop `!reset` ones, in place."""
    while isinstance(value, Override):
        value = value.value
    kind = type(value)
    if kind is dict:
        _strip_mapping(value, entries, path)
    elif kind is list:
        for index, child in enumerate(value):
            child_kind = type(child)
            if child_kind is dict or child_kind is list:
                strip_markers(child, entries, (*path, index))
            elif child_kind is Override:
                value[index] = strip_markers(child, entries, (*path, index))
        if any(type(item) is Reset for item in value):
            value[:] = _without_resets(value, entries, path)
    return value


def _strip_mapping(value: dict[str, Any], entries: Entries, path: Path) -> None:
    changed = []
    for key, child in value.items():
        child_kind = type(child)
        if child_kind is dict or child_kind is list:
            strip_markers(child, entries, (*path, key))
        elif child_kind is Reset or child_kind is Override:
            changed.append(key)
    for key in changed:
        child = value[key]
        if type(child) is Reset:
            pop_subtree(value.pop(key), entries, (*path, key))
        else:
            value[key] = strip_markers(child, entries, (*path, key))


def _without_resets(items: list[Any], entries: Entries, path: Path) -> list[Any]:
    keep = [i for i, item in enumerate(items) if not isinstance(item, Reset)]
    return _reorder(items, keep, keep, entries, path)


def _reorder(
    items: list[Any], positions: list[int], sources: list[int], entries: Entries, path: Path
) -> list[Any]:
    """A new list whose item n is `items[sources[n]]`, in the place of `items[positions[n]]`.

    The item keeps the locations of the value that won, so an error in it points at the file
    that wrote it.
    """
    old = pop_children(items, entries, path)
    result = []
    for new_index, (first, last) in enumerate(zip(positions, sources, strict=True)):
        target = (*path, new_index)
        loc = old.get((*path, last)) or old.get((*path, first))
        if loc is not None:
            entries[target] = loc
        copy_children(items[last], old, (*path, last), entries, target)
        result.append(items[last])
    return result


def _key_value(item: Any) -> str | None:
    if isinstance(item, str):
        return item.split("=", 1)[0]
    return None


def _plain(item: Any) -> str | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, str | int):
        return str(item)
    return None


def _target(item: Any) -> str | None:
    """A volume or device: its container path (`src:dst[:opts]` or the long form's `target`)."""
    if isinstance(item, dict):
        target = item.get("target")
        if not isinstance(target, str):
            raise MissingTargetError
        return target
    if isinstance(item, str):
        parts = item.split(":")
        return parts[1] if len(parts) > 1 else parts[0]
    return None


def _mount(default_dir: str) -> Indexer:
    def index(item: Any) -> str | None:
        if isinstance(item, str):
            return f"{default_dir}/{item}"
        if isinstance(item, dict):
            target = item.get("target")
            if isinstance(target, str):
                return target
            return f"{default_dir}/{item.get('source')}"
        return None

    return index


def _go_s(value: Any) -> str:
    # docker compose builds the key with Go's %s: a number and the same number written as a
    # string give different keys, so `published: 80` and `published: "80"` both stay
    if isinstance(value, str):
        return value
    if value is None:
        return "%!s(<nil>)"
    return f"%!s({type(value).__name__}={value})"


def _port(item: Any) -> str | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int | str):
        return str(item)
    if isinstance(item, dict):
        if "target" not in item:
            return None  # the schema reports it
        target = item["target"]
        target_text = str(target) if isinstance(target, int) else f"%!d({_go_s(target)})"
        host = item.get("host_ip", "0.0.0.0")  # noqa: S104 - a key, not a bind address
        protocol = item.get("protocol", "tcp")
        return f"{_go_s(host)}:{_go_s(item.get('published'))}:{target_text}/{_go_s(protocol)}"
    return None


def _env_file(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("path"), str):
        return str(item["path"])
    return None


_SERVICE_INDEXERS: dict[str, Indexer] = {
    "annotations": _key_value,
    "cap_add": _key_value,
    "cap_drop": _key_value,
    "configs": _mount(""),
    "devices": _target,
    "dns": _key_value,
    "dns_opt": _key_value,
    "dns_search": _key_value,
    "environment": _key_value,
    "env_file": _env_file,
    "expose": _plain,
    "labels": _key_value,
    "links": _key_value,
    "ports": _port,
    "profiles": _key_value,
    "secrets": _mount("/run/secrets"),
    "sysctls": _key_value,
    "tmpfs": _key_value,
    "volumes": _target,
}
_NESTED_INDEXERS: dict[str, dict[str, Indexer]] = {
    "build": {
        "args": _key_value,
        "additional_contexts": _key_value,
        "platforms": _key_value,
        "tags": _key_value,
        "labels": _key_value,
    },
    "deploy": {"labels": _key_value},
}
_SERVICE_NETWORK_INDEXERS: dict[str, Indexer] = {
    "aliases": _key_value,
    "link_local_ips": _key_value,
}
_NETWORK_INDEXERS: dict[str, Indexer] = {"labels": _key_value}
_VOLUME_INDEXERS: dict[str, Indexer] = {"labels": _key_value}
_IPAM_INDEXERS: dict[str, Indexer] = {"options": _key_value}
# a single mount without target is an error too (docker compose checks every item)
_MOUNT_KEYS = frozenset({"volumes", "devices"})


def enforce_unicity(data: dict[str, Any], sources: SourceMap) -> list[Problem]:
    """Remove redefined items, in place, from every sequence docker compose keeps unique."""
    problems: list[Problem] = []
    services = data.get("services")
    if isinstance(services, dict):
        for name, service in services.items():
            if isinstance(service, dict):
                _service(service, ("services", name), sources, problems)
    volumes = data.get("volumes")
    if isinstance(volumes, dict):
        for name, volume in volumes.items():
            if isinstance(volume, dict):
                _dedupe_in(volume, _VOLUME_INDEXERS, ("volumes", name), sources, problems)
    networks = data.get("networks")
    if isinstance(networks, dict):
        for name, network in networks.items():
            if isinstance(network, dict):
                _dedupe_in(network, _NETWORK_INDEXERS, ("networks", name), sources, problems)
                ipam = network.get("ipam")
                if isinstance(ipam, dict):
                    path = ("networks", name, "ipam")
                    _dedupe_in(ipam, _IPAM_INDEXERS, path, sources, problems)
    return problems


def _service(
    service: dict[str, Any], path: Path, sources: SourceMap, problems: list[Problem]
) -> None:
    _dedupe_in(service, _SERVICE_INDEXERS, path, sources, problems)
    for key, indexers in _NESTED_INDEXERS.items():
        child = service.get(key)
        if isinstance(child, dict):
            _dedupe_in(child, indexers, (*path, key), sources, problems)
    networks = service.get("networks")
    if isinstance(networks, dict):
        for name, network in networks.items():
            if isinstance(network, dict):
                npath = (*path, "networks", name)
                _dedupe_in(network, _SERVICE_NETWORK_INDEXERS, npath, sources, problems)


def _dedupe_in(
    parent: dict[str, Any],
    indexers: dict[str, Indexer],
    path: Path,
    sources: SourceMap,
    problems: list[Problem],
) -> None:
    """Dedupe each list of `parent` that has an indexer."""
    for key, items in parent.items():
        if type(items) is not list:
            continue
        indexer = indexers.get(key)
        if indexer is None:
            continue
        if len(items) > 1:
            parent[key] = dedupe(items, indexer, (*path, key), sources, problems)
        elif key in _MOUNT_KEYS:
            dedupe(items, indexer, (*path, key), sources, problems)  # reports a bad mount


def dedupe(
    items: list[Any], indexer: Indexer, path: Path, sources: SourceMap, problems: list[Problem]
) -> list[Any]:
    """`items` without redefinitions: first position, last value; locations follow."""
    positions: list[int] = []
    chosen: list[int] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        try:
            key = indexer(item)
        except MissingTargetError:
            problems.append(sources.problem((*path, index), "missing a mount target"))
            key = None
        if key is not None and key in seen:
            chosen[seen[key]] = index
            continue
        if key is not None:
            seen[key] = len(positions)
        positions.append(index)
        chosen.append(index)
    if chosen == list(range(len(items))):
        return items
    return _reorder(items, positions, chosen, sources.entries, path)
