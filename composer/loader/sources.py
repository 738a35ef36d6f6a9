"""Where each value of a compose file came from, so errors can name file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from composer.errors import Problem

Key = str | int
Path = tuple[Key, ...]


def format_path(path: Iterable[Key]) -> str:
    """Render a key path the way users read it: `services.web.ports[0]`."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out


@dataclass(frozen=True)
class Location:
    """A file (as the user named it, relative when possible) and a 1-based line."""

    file: str
    line: int | None = None


@dataclass
class SourceMap:
    """Maps key paths of loaded data to the place they were written.

    Lookups fall back to the nearest ancestor, so a value created by a later stage (a default,
    a merged list entry) still points somewhere useful.
    """

    entries: dict[Path, Location] = field(default_factory=dict)

    def add(self, path: Path, location: Location) -> None:
        self.entries[path] = location

    def update(self, other: SourceMap, prefix: Path = ()) -> None:
        """Take every entry of `other`, re-rooted under `prefix`; later entries win."""
        if not prefix:
            self.entries.update(other.entries)
            return
        for path, loc in other.entries.items():
            self.entries[prefix + path] = loc

    def locate(self, path: Path) -> Location | None:
        """The location of `path`, or of its nearest ancestor that has one."""
        entries = self.entries
        for end in range(len(path), -1, -1):
            loc = entries.get(path[:end])
            if loc is not None:
                return loc
        return None

    def problem(self, path: Path, message: str) -> Problem:
        """A Problem at `path`, located as well as this map can."""
        loc = self.locate(path)
        return Problem(
            loc.file if loc else None, loc.line if loc else None, format_path(path), message
        )
