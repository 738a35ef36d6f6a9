"""Byte sizes and Go durations, parsed and printed the way docker compose does."""

from __future__ import annotations

import re

# docker's units.RAMInBytes: binary multiples, one optional space, optional `i` and `b`.
_SIZE = re.compile(r"^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$", re.IGNORECASE)
_SIZE_FACTORS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}

_NS = 1
_US = 1000 * _NS
_MS = 1000 * _US
_SECOND = 1000 * _MS
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
# Go's time units, plus the days and weeks compose accepts (str2duration).
_DURATION_UNITS = {
    "ns": _NS,
    "us": _US,
    "\u00b5s": _US,  # micro sign
    "\u03bcs": _US,  # Greek mu
    "ms": _MS,
    "s": _SECOND,
    "m": _MINUTE,
    "h": _HOUR,
    "d": 24 * _HOUR,
    "w": 7 * 24 * _HOUR,
}
_NUMBER = re.compile(r"(\d*)(?:\.(\d*))?")
_UNIT = re.compile(r"[^0-9.]+")


class UnitError(ValueError):
    """A value that is not a valid byte size or duration; the message says why."""


def parse_bytes(value: object) -> int:
    """Bytes from an int or a size such as `64m`, `1.5g`, `512kb`, `1GiB`."""
    if isinstance(value, bool):
        raise UnitError(f"invalid size: '{value}'")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value)
    match = _SIZE.match(text)
    if match is None:
        raise UnitError(f"invalid size: '{text}'")
    try:
        number = float(match.group(1))
    except ValueError:
        raise UnitError(f"invalid size: '{text}'") from None
    return int(number * _SIZE_FACTORS[(match.group(2) or "").lower()])


def parse_duration(value: object) -> int:
    """Nanoseconds from a Go duration (`1m30s`, `500ms`, `1.5h`, `2d`); `0` needs no unit."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UnitError(f'invalid duration "{value}"')
    text = str(value)
    body, sign = text, 1
    if body[:1] in ("-", "+"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if body == "0":
        return 0
    if not body:
        raise UnitError(f'invalid duration "{text}"')
    total = 0
    while body:
        amount, body = _duration_part(body, text)
        total += amount
    return sign * total


def _duration_part(body: str, text: str) -> tuple[int, str]:
    """Consume one `<number><unit>` from the front of `body`: (nanoseconds, rest)."""
    number = _NUMBER.match(body)
    whole, fraction = (number.group(1), number.group(2)) if number else ("", None)
    if not whole and not fraction:
        raise UnitError(f'invalid duration "{text}"')
    rest = body[number.end() if number else 0 :]
    unit_match = _UNIT.match(rest)
    if unit_match is None:
        raise UnitError(f'missing unit in duration "{text}"')
    unit = unit_match.group(0)
    factor = _DURATION_UNITS.get(unit)
    if factor is None:
        raise UnitError(f'unknown unit "{unit}" in duration "{text}"')
    amount = int(whole or "0") * factor
    if fraction:
        amount += int(fraction) * factor // 10 ** len(fraction)
    return amount, rest[unit_match.end() :]


def format_duration(nanoseconds: int) -> str:
    """A duration as Go's time.Duration.String prints it: `1m30s`, `1h0m0s`, `500ms`, `0s`."""
    if nanoseconds == 0:
        return "0s"
    sign = "-" if nanoseconds < 0 else ""
    left = abs(nanoseconds)
    if left < _SECOND:
        if left < _US:
            return f"{sign}{left}ns"
        if left < _MS:
            return f"{sign}{_decimal(left, _US)}\u00b5s"
        return f"{sign}{_decimal(left, _MS)}ms"
    text = f"{_decimal(left % _MINUTE, _SECOND)}s"
    minutes = left // _MINUTE
    if minutes:
        text = f"{minutes % 60}m{text}"
        if minutes >= 60:
            text = f"{minutes // 60}h{text}"
    return sign + text


def _decimal(value: int, unit: int) -> str:
    """`value / unit` as a shortest decimal: 1500 / 1000 is `1.5`, 2000 / 1000 is `2`."""
    whole, fraction = divmod(value, unit)
    if not fraction:
        return str(whole)
    digits = str(fraction).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"


def canonical_duration(value: object) -> str:
    """A duration in the form the reference prints (`90s` becomes `1m30s`)."""
    return format_duration(parse_duration(value))
