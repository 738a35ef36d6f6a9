"""Which host UID a container UID becomes: Podman's own user namespace, then `userns_mode`.

Rootless Podman runs every container inside the user's namespace (container UID 0 is the user,
1..N the subordinate IDs, as `podman info` reports in `host.idMappings.uidmap`). A
`userns_mode` adds a second layer between the container and that namespace; the layouts here
are the ones Podman 4.3 writes into `/proc/self/uid_map` (checked by tests/integration).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KEEP_ID = "keep-id"
NOMAP = "nomap"
# userns_mode values that need rootless Podman (rootful Podman answers "... is only supported
# in rootless mode").
ROOTLESS_ONLY = (KEEP_ID, NOMAP)
# userns_mode values that run the container in Podman's own user namespace.
DEFAULT_MODES = ("", "host")


@dataclass(frozen=True)
class IdRange:
    """One uid_map line: `size` IDs from `inside` map to IDs from `outside`."""

    inside: int
    outside: int
    size: int

    def lookup(self, uid: int) -> int | None:
        offset = uid - self.inside
        return self.outside + offset if 0 <= offset < self.size else None

    def holds_outside(self, uid: int) -> bool:
        return self.outside <= uid < self.outside + self.size


IdMap = tuple[IdRange, ...]


def lookup(mapping: Iterable[IdRange], uid: int) -> int | None:
    """The ID `uid` maps to, or None when the map does not hold it."""
    for entry in mapping:
        found = entry.lookup(uid)
        if found is not None:
            return found
    return None


def map_size(mapping: Iterable[IdRange]) -> int:
    return sum(entry.size for entry in mapping)


def rootless_map(user_uid: int, subuid_ranges: Sequence[tuple[int, int]]) -> IdMap:
    """Podman's rootless namespace: 0 is the user, 1.. the (start, count) ranges in order."""
    entries = [IdRange(0, user_uid, 1)]
    inside = 1
    for start, count in subuid_ranges:
        entries.append(IdRange(inside, start, count))
        inside += count
    return tuple(entries)


def map_from_info(raw: object) -> IdMap:
    """`podman info`'s `host.idMappings.uidmap` (a list of container_id/host_id/size), or ()."""
    if not isinstance(raw, list):
        return ()
    entries = []
    for item in raw:
        if isinstance(item, Mapping):
            try:
                entries.append(_entry(item))
            except (KeyError, TypeError, ValueError):
                return ()
    return tuple(entries)


def _entry(item: Mapping[str, Any]) -> IdRange:
    return IdRange(int(item["container_id"]), int(item["host_id"]), int(item["size"]))


def kept_id(mode: str, own: int, key: str = "uid") -> int | None:
    """The container ID that is the user with `keep-id` (`keep-id:uid=N,gid=M` move it)."""
    name, _, options = mode.partition(":")
    if name != KEEP_ID:
        return None
    for option in options.split(","):
        option_key, _, value = option.partition("=")
        if option_key == key and value.isdigit():
            return int(value)
    return own


def userns_layer(mode: str, own: int, available: int, key: str = "uid") -> IdMap | None:
    """Container IDs -> Podman's namespace for a userns_mode; None when Podman picks (`auto`).

    `own` is the user's ID on the host and `available` the size of Podman's namespace (1 +
    the subordinate IDs); `key` is "uid" or "gid" (keep-id treats them alike).
    """
    name = mode.partition(":")[0]
    if name in DEFAULT_MODES:
        return (IdRange(0, 0, available),)
    if name == NOMAP:
        # The user's own ID is left out: container 0.. are the subordinate IDs.
        return (IdRange(0, 1, available - 1),)
    kept = kept_id(mode, own, key)
    if kept is None:
        return None
    return (
        IdRange(0, 1, kept),
        IdRange(kept, 0, 1),
        IdRange(kept + 1, kept + 1, max(available - kept - 1, 0)),
    )


def inner_id(
    container_id: int, userns_mode: str, podman_map: IdMap, key: str = "uid"
) -> int | None:
    """The ID in Podman's own namespace (what `podman unshare` sees) behind a container ID.

    An empty `podman_map` means rootful Podman: without a userns_mode nothing is mapped.
    """
    if not podman_map:
        return container_id if userns_mode.partition(":")[0] in DEFAULT_MODES else None
    own = lookup(podman_map, 0)
    if own is None:
        return None
    layer = userns_layer(userns_mode, own, map_size(podman_map), key)
    return None if layer is None else lookup(layer, container_id)


def host_id(container_id: int, userns_mode: str, podman_map: IdMap, key: str = "uid") -> int | None:
    """The host ID files of `container_id` get; None when it cannot be known or is unmapped."""
    inner = inner_id(container_id, userns_mode, podman_map, key)
    if inner is None or not podman_map:
        return inner
    return lookup(podman_map, inner)


def range_of(podman_map: IdMap, host: int) -> IdRange | None:
    """The entry of Podman's map a host ID comes from."""
    return next((entry for entry in podman_map if entry.holds_outside(host)), None)
