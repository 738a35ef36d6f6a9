"""Plain-words messages for values that break composer's compose schema."""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Iterable
from typing import Any

# JSON types in the order messages list them, with the words users read.
TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
}
_ORDER = tuple(TYPE_WORDS)


def json_type(value: Any) -> str:
    """The JSON type of a plain value (an integral float counts as an integer, as in JSON)."""
    kind = type(value)
    if kind is str:
        return "string"
    if kind is dict:
        return "object"
    if kind is list:
        return "array"
    if kind is bool:
        return "boolean"
    if kind is int:
        return "integer"
    if kind is float:
        return "integer" if value.is_integer() else "number"
    if value is None:
        return "null"
    return "object" if isinstance(value, dict) else type(value).__name__


def show(value: Any) -> str:
    """A scalar as the user wrote it, quoted when it is text; a container by its kind."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dict, list)):
        return TYPE_WORDS[json_type(value)]
    return json.dumps(value)


def join_words(words: list[str], last: str = "or") -> str:
    """`a`, `a or b`, `a, b or c`."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def wrong_type(expected: Collection[str], value: Any) -> str:
    """`must be a mapping or a list, not a string`."""
    names = [name for name in _ORDER if name in expected]
    if "number" in names and "integer" in names:
        names.remove("integer")  # a number already includes integers
    got = json_type(value)
    return f"must be {join_words([TYPE_WORDS[n] for n in names])}, not {TYPE_WORDS.get(got, got)}"


def not_in_enum(choices: Iterable[Any], value: Any) -> str:
    """`must be one of "host", "private", not "foo"`."""
    listed = ", ".join(show(choice) for choice in choices)
    return f"must be one of {listed}, not {show(value)}"


def pattern_mismatch(title: str | None, hint: str | None, pattern: str, value: str) -> str:
    """`invalid duration "5x": use Go duration syntax ...`, or the pattern when unnamed."""
    if title is None:
        return f"{show(value)} does not match the pattern {show(pattern)}"
    message = f"invalid {title} {show(value)}"
    return f"{message}: {hint}" if hint else message


def too_short(min_length: int, value: str) -> str:
    if min_length == 1:
        return "must not be empty"
    return f"must be at least {min_length} characters long, not {show(value)}"


def below_minimum(minimum: float, value: Any) -> str:
    return f"must be at least {show(minimum)}, not {show(value)}"


def above_maximum(maximum: float, value: Any) -> str:
    return f"must be at most {show(maximum)}, not {show(value)}"


def unknown_key(key: str, known: Collection[str], top_level: bool = False) -> str:
    """`unknown key "imagee" (did you mean "image"?)`."""
    what = "unknown top-level key" if top_level else "unknown key"
    message = f"{what} {show(key)}"
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return f"{message} (did you mean {show(close[0])}?)" if close else message


def missing_key(key: str) -> str:
    return f"missing required key {show(key)}"


def duplicate_item(value: Any, first_index: int) -> str:
    """`"NET_ADMIN" is already listed at [0]`."""
    return f"{show(value)} is already listed at [{first_index}]"


def too_few_items(min_items: int) -> str:
    return f"must have at least {min_items} item{'s' if min_items != 1 else ''}"


def ambiguous() -> str:
    return "matches more than one of the allowed forms"
