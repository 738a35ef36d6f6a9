"""Value kinds of the canonical form: each turns one compose value into what `config` prints.

A converter takes (value, path, Canon) and returns the canonical value, or OMIT when the
reference leaves the attribute out (Go's `omitempty`: empty strings, zero numbers, false,
empty lists and maps). Problems are collected on the Canon, never raised, so that every
problem of a file is reported at once.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.errors import Problem
from composer.loader.canonical.units import UnitError, canonical_duration, parse_bytes
from composer.loader.sources import Key, Path, SourceMap


class _Omit:
    """The marker for "leave this attribute out"."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()


@dataclass
class Canon:
    """What converters share: the problems found, and list re-shapings for the source map.

    `moves` records, per re-shaped container path, where each new key came from
    (new key -> old key), so that the source map can follow the data.
    """

    sources: SourceMap
    problems: list[Problem] = field(default_factory=list)
    moves: list[tuple[Path, dict[Key, Key]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # `config --no-interpolate`: a value still holding `${VAR}` is printed as written
    keep_variables: bool = False

    def unresolved(self, value: Any) -> bool:
        """Whether `value` is a string left uninterpolated, to be kept as it is."""
        return self.keep_variables and isinstance(value, str) and "$" in value

    def fail(self, at: Path, message: str) -> Any:
        """Record a problem at `at`; returns OMIT so callers can `return cv.fail(...)`."""
        self.problems.append(self.sources.problem(at, message))
        return OMIT

    def moved(self, at: Path, origins: Mapping[Key, Key]) -> None:
        """The container at `at` was re-shaped: new key -> the old key it came from."""
        if any(new != old for new, old in origins.items()) or not origins:
            self.moves.append((at, dict(origins)))


Converter = Callable[[Any, Path, Canon], Any]


def scalar_text(value: Any) -> str:
    """A scalar as Go's weak decoding prints it: `true`, `1`, `1.5`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def text(value: Any, at: Path, cv: Canon) -> Any:
    """A string attribute; empty or null is left out."""
    if value is None:
        return OMIT
    if isinstance(value, dict | list):
        return cv.fail(at, "must be a string")
    result = scalar_text(value)
    return result if result else OMIT


def text_kept(value: Any, at: Path, cv: Canon) -> Any:
    """A string attribute printed even when empty (null is still left out)."""
    if value is None:
        return OMIT
    result = text(value, at, cv)
    return "" if result is OMIT else result


def _to_int(value: Any, at: Path, cv: Canon) -> Any:
    if isinstance(value, bool):
        return cv.fail(at, "must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value), 10)
    except ValueError:
        return cv.fail(at, "must be an integer")


def integer(value: Any, at: Path, cv: Canon) -> Any:
    """An integer; zero and null are left out."""
    if value is None:
        return OMIT
    result = _to_int(value, at, cv)
    return OMIT if result == 0 else result


def integer_kept(value: Any, at: Path, cv: Canon) -> Any:
    """An integer printed even when zero (a Go pointer)."""
    return OMIT if value is None else _to_int(value, at, cv)


def number(value: Any, at: Path, cv: Canon) -> Any:
    """A float (`cpus`): printed as Go prints it, so `1.0` is `1`; zero is left out."""
    if value is None or isinstance(value, bool):
        return OMIT if value is None else cv.fail(at, "must be a number")
    try:
        result = float(value)
    except (TypeError, ValueError):
        return cv.fail(at, "must be a number")
    if result == 0:
        return OMIT
    return int(result) if result.is_integer() else result


def truth(value: Any) -> bool | None:
    """A boolean from a bool or its YAML 1.1 spellings; None when it is neither."""
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "yes", "y", "on"):
        return True
    if lowered in ("false", "no", "n", "off"):
        return False
    return None


def flag(value: Any, at: Path, cv: Canon) -> Any:
    """A boolean; false is left out."""
    if value is None:
        return OMIT
    result = truth(value)
    if result is None:
        return cv.fail(at, "must be a boolean")
    return True if result else OMIT


def flag_kept(value: Any, at: Path, cv: Canon) -> Any:
    """A boolean printed even when false (a Go pointer)."""
    if value is None:
        return OMIT
    result = truth(value)
    return cv.fail(at, "must be a boolean") if result is None else result


def texts(value: Any, at: Path, cv: Canon) -> Any:
    """A list of strings; a single string is a list of one; empty is left out."""
    if value is None:
        return OMIT
    if not isinstance(value, list):
        value = [value]
    result = [scalar_text(item) if item is not None else "" for item in value]
    return result or OMIT


def byte_size(value: Any, at: Path, cv: Canon) -> Any:
    """A byte size (`1g`), printed as a decimal string of bytes; zero is left out."""
    if value is None:
        return OMIT
    try:
        result = parse_bytes(value)
    except UnitError as exc:
        return cv.fail(at, str(exc))
    return OMIT if result == 0 else str(result)


def duration(value: Any, at: Path, cv: Canon) -> Any:
    """A duration printed as Go does (`90s` is `1m30s`); zero is left out."""
    result = duration_kept(value, at, cv)
    return OMIT if result == "0s" else result


def duration_kept(value: Any, at: Path, cv: Canon) -> Any:
    """A duration printed even when zero (a Go pointer)."""
    if value is None:
        return OMIT
    try:
        return canonical_duration(value)
    except UnitError as exc:
        return cv.fail(at, str(exc))


def file_mode(value: Any, at: Path, cv: Canon) -> Any:
    """A file mode: an integer, or a string read as octal; printed as `0755`."""
    if value is None:
        return OMIT
    if isinstance(value, int) and not isinstance(value, bool):
        return f"0{value:o}"
    try:
        return f"0{int(str(value), 8):o}"
    except ValueError:
        return cv.fail(at, f'invalid file mode "{value}"')


def shell_command(value: Any, at: Path, cv: Canon) -> Any:
    """`command`-like: a string is split like a shell would (no expansion); null stays null."""
    if value is None:
        return None
    if isinstance(value, list):
        return [scalar_text(item) for item in value]
    try:
        return shlex.split(scalar_text(value))
    except ValueError as exc:
        return cv.fail(at, f"invalid command line {scalar_text(value)!r}: {exc}")


def _split_entry(entry: Any) -> tuple[str, str | None]:
    """`KEY=VALUE` -> (KEY, VALUE); a bare `KEY` -> (KEY, None)."""
    key, equals, item = scalar_text(entry).partition("=")
    return key, item if equals else None


def _pairs(value: Any, at: Path, cv: Canon) -> dict[str, Any] | None:
    """The entries of a list-or-mapping attribute, in order; None after a problem."""
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, list):
        result: dict[str, Any] = {}
        for entry in value:
            if entry is None:
                continue
            key, item = _split_entry(entry)
            result[key] = item
        cv.moved(at, _winning_index(value))
        return result
    cv.fail(at, "must be a mapping or a list")
    return None


def _winning_index(entries: list[Any]) -> dict[Key, Key]:
    """For `K=V` list entries: key -> index of the entry whose value wins (the last one)."""
    found: dict[Key, Key] = {}
    for index, entry in enumerate(entries):
        if entry is not None:
            found[_split_entry(entry)[0]] = index
    return found


def mapping(value: Any, at: Path, cv: Canon) -> Any:
    """`labels`-like: a list of `K=V` or a mapping; null values become empty strings."""
    return _text_pairs(value, at, cv, null="")


def mapping_with_nulls(value: Any, at: Path, cv: Canon) -> Any:
    """`environment`-like: like `mapping`, but a bare key or a null value stays null."""
    return _text_pairs(value, at, cv, null=None)


def _text_pairs(value: Any, at: Path, cv: Canon, null: str | None) -> Any:
    pairs = None if value is None else _pairs(value, at, cv)
    if not pairs:
        return OMIT
    return {key: null if item is None else scalar_text(item) for key, item in sorted(pairs.items())}


def multi_options(value: Any, at: Path, cv: Canon) -> Any:
    """`provider.options`: every value becomes a list of strings."""
    if not isinstance(value, dict) or not value:
        return OMIT if not value else cv.fail(at, "must be a mapping")
    return {
        str(key): [scalar_text(item) for item in (entry if isinstance(entry, list) else [entry])]
        for key, entry in sorted(value.items())
    }


def struct(
    fields: Mapping[str, Converter],
    *,
    scalar: Callable[[Any], dict[str, Any]] | None = None,
    always: Mapping[str, Callable[[], Any]] | None = None,
) -> Converter:
    """A mapping with known attributes, printed in `fields` order; `x-*` keys are kept.

    `scalar` turns a short form (a string) into the mapping; `always` gives the attributes
    printed even when absent (Go struct values, not pointers) and their value then.
    """
    defaults = always or {}

    def convert(value: Any, at: Path, cv: Canon) -> Any:
        if value is None:
            return OMIT
        if not isinstance(value, dict):
            if scalar is None:
                return cv.fail(at, "must be a mapping")
            value = scalar(value)
        result: dict[str, Any] = {}
        for key, converter in fields.items():
            if key in value:
                raw = value[key]
                item = raw if cv.unresolved(raw) else converter(raw, (*at, key), cv)
                if item is not OMIT:
                    result[key] = item
            # the uninterpolated model has no Go struct values to print
            if key not in result and key in defaults and not cv.keep_variables:
                result[key] = defaults[key]()
        for key, item in value.items():
            if isinstance(key, str) and key.startswith("x-"):
                result[key] = item
        return result

    return convert


def list_of(item: Converter) -> Converter:
    """A list whose entries all have one kind; empty is left out."""

    def convert(value: Any, at: Path, cv: Canon) -> Any:
        if value is None:
            return OMIT
        if not isinstance(value, list):
            return cv.fail(at, "must be a list")
        result = []
        for index, entry in enumerate(value):
            converted = entry if cv.unresolved(entry) else item(entry, (*at, index), cv)
            if converted is not OMIT:
                result.append(converted)
        return result or OMIT

    return convert


def map_of(item: Converter, *, keep_null: bool = False) -> Converter:
    """A mapping whose values all have one kind; empty is left out."""

    def convert(value: Any, at: Path, cv: Canon) -> Any:
        if value is None:
            return OMIT
        if not isinstance(value, dict):
            return cv.fail(at, "must be a mapping")
        result: dict[str, Any] = {}
        for key, entry in sorted(value.items()):
            if entry is None and keep_null:
                result[key] = None
                continue
            converted = item(entry, (*at, key), cv)
            if converted is not OMIT:
                result[key] = converted
        return result or OMIT

    return convert


def kept_empty(converter: Converter, empty: Callable[[], Any]) -> Converter:
    """`converter`, but an empty result prints as `empty()` instead of being left out."""

    def convert(value: Any, at: Path, cv: Canon) -> Any:
        result = converter(value, at, cv)
        return empty() if result is OMIT and value is not None else result

    return convert
