"""Subordinate ID ranges (/etc/subuid, /etc/subgid) and the UID mapping rootless Podman builds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from composer.plan import idmap

# The first ID handed out by useradd, and the range size images need (IDs 0-65535).
FIRST_SUBID = 100000
SUBID_COUNT = 65536


@dataclass(frozen=True)
class SubIdRange:
    """One `owner:start:count` line; owner is a user name or a numeric UID."""

    owner: str
    start: int
    count: int

    @property
    def last(self) -> int:
        return self.start + self.count - 1

    def overlaps(self, other: SubIdRange) -> bool:
        return self.start <= other.last and other.start <= self.last

    def __str__(self) -> str:
        return f"{self.start}-{self.last}"


def parse_subid_file(text: str) -> list[SubIdRange]:
    """Every well-formed line of /etc/subuid or /etc/subgid (others are ignored, as shadow does)."""
    found = []
    for line in text.splitlines():
        parts = line.strip().split(":")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            continue
        found.append(SubIdRange(parts[0], int(parts[1]), int(parts[2])))
    return found


def parse_getsubids(output: str) -> list[SubIdRange]:
    """The ranges `getsubids USER` prints, one `N: user start count` line each."""
    found = []
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2].isdigit() and fields[3].isdigit():
            found.append(SubIdRange(fields[1], int(fields[2]), int(fields[3])))
    return found


def owned_by(entry: SubIdRange, name: str, uid: int) -> bool:
    return entry.owner in (name, str(uid))


def ranges_of(entries: Iterable[SubIdRange], name: str, uid: int) -> list[SubIdRange]:
    """The user's own ranges, matched by name or UID, in file order."""
    return [entry for entry in entries if owned_by(entry, name, uid)]


def overlaps_with_others(
    own: Sequence[SubIdRange], entries: Iterable[SubIdRange], name: str, uid: int
) -> list[tuple[SubIdRange, SubIdRange]]:
    """Pairs (own range, another user's range) that share IDs."""
    others = [entry for entry in entries if not owned_by(entry, name, uid)]
    return [(mine, other) for mine in own for other in others if mine.overlaps(other)]


def next_free_start(entries: Iterable[SubIdRange]) -> int:
    """The first ID after every range handed out so far (never below 100000)."""
    return max([FIRST_SUBID, *(entry.start + entry.count for entry in entries)])


def host_uid_for(
    container_uid: int, user_uid: int, subuid_ranges: Sequence[SubIdRange]
) -> int | None:
    """The host UID behind a container UID in Podman's default user namespace.

    Rootful Podman (user_uid 0) maps nothing: the UIDs are the same. Rootless, container UID 0
    is the user's own UID and UID N > 0 is the (N-1)th subordinate ID, counting through the
    ranges in order; None when the ranges are too small to hold N. composer.plan.idmap does
    the arithmetic (for every userns_mode), so doctor and `up` agree.
    """
    if container_uid < 0:
        raise ValueError(f"a UID cannot be negative: {container_uid}")
    if user_uid == 0:
        return container_uid
    podman_map = idmap.rootless_map(
        user_uid, [(entry.start, entry.count) for entry in subuid_ranges]
    )
    return idmap.host_id(container_uid, "", podman_map)


def mapping_summary(user_uid: int, subuid_ranges: Sequence[SubIdRange]) -> str:
    """How container UIDs land on the host, e.g. `container UID 0 is 1001, 1-65536 are ...`."""
    parts = [f"container UID 0 is host UID {user_uid}"]
    first = 1
    for entry in subuid_ranges:
        last = first + entry.count - 1
        parts.append(f"{first}-{last} are host UIDs {entry}")
        first = last + 1
    return ", ".join(parts)
