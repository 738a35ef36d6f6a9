"""Turn canonical plain values into the typed values of the model, collecting problems."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from composer.errors import Problem
from composer.loader.canonical.units import UnitError, parse_bytes, parse_duration
from composer.loader.sources import Path, SourceMap

_NANOSECONDS = 1e9

T = TypeVar("T")


def text(value: Any) -> str:
    """A scalar as the text docker compose would pass on (`true`, not `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def opt_text(value: Any) -> str | None:
    """`text(value)`, keeping None (and an empty value) as None."""
    return None if value is None or value == "" else text(value)


def texts(value: Any) -> tuple[str, ...]:
    """A list of strings; a single string is a list of one; None is empty."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(text(item) for item in value)
    return (text(value),)


def flag(value: Any) -> bool:
    """A boolean; canonical data has real booleans, strings are a fallback."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1", "y")
    return bool(value)


def opt_flag(value: Any) -> bool | None:
    """`flag(value)`, keeping None as None."""
    return None if value is None else flag(value)


def text_map_or_null(value: Any) -> dict[str, str | None]:
    """`environment`-like mappings: a dict, or a list of `K=V` / bare `K` (null)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(key): None if item is None else text(item) for key, item in value.items()}
    result: dict[str, str | None] = {}
    for entry in texts(value):
        key, equals, item = entry.partition("=")
        result[key] = item if equals else None
    return result


def text_map(value: Any) -> dict[str, str]:
    """`labels`-like mappings: like `text_map_or_null`, a missing value is the empty string."""
    return {key: item or "" for key, item in text_map_or_null(value).items()}


def command(value: Any) -> tuple[str, ...] | None:
    """`command` / `entrypoint`: None keeps the image's own; a string is shell-split."""
    if value is None:
        return None
    if isinstance(value, str):
        return tuple(shlex.split(value))
    return texts(value)


def extensions(data: dict[str, Any]) -> dict[str, Any]:
    """The `x-*` keys of a mapping."""
    return {key: item for key, item in data.items() if key.startswith("x-")}


@dataclass
class Reader:
    """Reads values that can be wrong (units, numbers, shapes); each problem is kept."""

    sources: SourceMap
    problems: list[Problem] = field(default_factory=list)

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(self.sources.problem(path, message))

    def convert(self, value: Any, path: Path, parse: Callable[[Any], T]) -> T | None:
        """`parse(value)`, or None (and a problem) when it raises; None passes through."""
        if value is None:
            return None
        try:
            return parse(value)
        except (UnitError, ValueError, TypeError) as exc:
            self.fail(path, str(exc) or f"invalid value {value!r}")
            return None

    def duration(self, value: Any, path: Path) -> float | None:
        """Seconds, from a Go duration (`1m30s`)."""
        nanoseconds = self.convert(value, path, parse_duration)
        return None if nanoseconds is None else nanoseconds / _NANOSECONDS

    def size(self, value: Any, path: Path) -> int | None:
        """Bytes, from a size (`64m`); `-1` (unlimited, for memswap_limit) stays -1."""
        return self.convert(value, path, _to_size)

    def file_mode(self, value: Any, path: Path) -> int | None:
        return self.convert(value, path, _to_file_mode)

    def integer(self, value: Any, path: Path) -> int | None:
        return self.convert(value, path, _to_int)

    def number(self, value: Any, path: Path) -> float | None:
        return self.convert(value, path, _to_float)

    def mapping(self, value: Any, path: Path) -> dict[str, Any] | None:
        """A mapping; anything else is a problem (bind expects canonical long syntax)."""
        if value is None:
            return None
        if isinstance(value, dict):
            return value
        self.fail(path, f"expected a mapping (canonical long syntax), got {value!r}")
        return None

    def entries(self, value: Any, path: Path) -> list[tuple[Path, dict[str, Any]]]:
        """The mappings of a list, each with its path; other items are problems."""
        found: list[tuple[Path, dict[str, Any]]] = []
        for index, item in enumerate(value or ()):
            item_path = (*path, index)
            mapping = self.mapping(item, item_path)
            if mapping is not None:
                found.append((item_path, mapping))
        return found


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"invalid integer {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"invalid integer {value!r}")
    try:
        return int(value)
    except ValueError:
        raise ValueError(f'invalid integer "{value}"') from None


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"invalid number {value!r}")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f'invalid number "{value}"') from None


def _to_size(value: Any) -> int:
    if isinstance(value, str) and value.strip().startswith("-"):
        return -parse_bytes(value.strip()[1:])
    return parse_bytes(value)


def _to_file_mode(value: Any) -> int:
    """Canonical data writes a mode as an octal string (`"0440"`); an int is taken as is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip().lower().removeprefix("0o"), 8)
        except ValueError:
            pass
    raise ValueError(f"invalid file mode {value!r}")
