"""A YAML writer that prints plain data the way go-yaml v3 does (2-space indent), as docker does.

Mappings are printed in the order given (callers order them); sequences inside mappings are
indented; strings get the same style go-yaml picks: plain when it reads back as the same string,
double quotes when it would read back as another type (`"1"`, `"yes"`, `"1:20"`), single quotes
when a plain scalar is not allowed (`'- x'`, `' lead'`), literal blocks for multi-line text.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from composer.generate.goyaml_keys import yaml_sorted

_NON_STRINGS = frozenset(
    [
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        ".nan",
        ".NaN",
        ".NAN",
        ".inf",
        ".Inf",
        ".INF",
        "+.inf",
        "+.Inf",
        "+.INF",
        "-.inf",
        "-.Inf",
        "-.INF",
    ]
)
# YAML 1.1 booleans: go-yaml quotes them so that YAML 1.1 readers keep them strings.
_OLD_BOOLS = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    ]
)
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,9})?(?:Z|[-+]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d{1,9})?))?"
)
_INDICATORS_FIRST = frozenset("#,[]{}&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",?[]{}")
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_BLANKS = frozenset(" \t\r\n\x85\u2028\u2029")
_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}

PLAIN, SINGLE, DOUBLE, LITERAL = "plain", "single", "double", "literal"


def _printable(ch: str) -> bool:
    """go-yaml's notion: no controls, no NEL, nothing beyond the Basic Multilingual Plane."""
    code = ord(ch)
    if code == 0x0A or 0x20 <= code <= 0x7E:
        return True
    return (0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD) and code != 0xFEFF


def _is_timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return False
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
        clock = match.group(4, 5, 6) if match[4] else match.group(7, 8, 9)
        if clock[0]:
            hour, minute, second = (int(part) for part in clock)
            datetime(2000, 1, 1, hour, minute, second)
    except ValueError:
        return False
    return True


def _reads_as_other_type(text: str) -> bool:
    """True when go-yaml would read the plain scalar back as something other than a string."""
    if not text or text in _NON_STRINGS or text in _OLD_BOOLS:
        return True
    if text[0] == ".":
        return bool(_DOT_FLOAT.fullmatch(text))  # go-yaml tries only a plain float here
    if text[0] in "0123456789+-":
        plain = text.replace("_", "")
        if _INT.fullmatch(plain) or _FLOAT.fullmatch(plain):
            return True
        if text[0].isdigit() and _is_timestamp(text):
            return True
    return bool(_BASE60.fullmatch(text))


def _block_indicators(text: str) -> bool:
    """Does the text hold an indicator that forbids a plain scalar in block context?"""
    if text.startswith(("---", "...")):
        return True
    last = len(text) - 1
    first = text[0]
    followed_by_ws = last == 0 or text[1] in _BLANKS
    if first in _INDICATORS_FIRST or (first in "?:-" and followed_by_ws):
        return True
    for i in range(1, last + 1):
        ch = text[i]
        if ch == ":" and (i == last or text[i + 1] in _BLANKS):
            return True
        if ch == "#" and text[i - 1] in _BLANKS:
            return True
    return False


class _Analysis:
    """What libyaml's scalar analysis allows for one string (block context only)."""

    __slots__ = ("plain", "single", "block")

    def __init__(self, text: str) -> None:
        if not text:
            self.plain, self.single, self.block = False, True, False
            return
        space_break, break_space = self._breaks(text)
        tabs = "\t" in text
        special = not all(ch == "\t" or _printable(ch) for ch in text)
        edges = text[0] == " " or text[-1] == " " or text[0] in _BREAKS or text[-1] in _BREAKS
        line_breaks = any(ch in _BREAKS for ch in text)
        self.plain = not (
            edges or break_space or space_break or tabs or special or line_breaks
        ) and not _block_indicators(text)
        self.single = not (break_space or space_break or tabs or special)
        self.block = not (text[-1] == " " or space_break or special)

    @staticmethod
    def _breaks(text: str) -> tuple[bool, bool]:
        """(a space right before a line break, a space right after one)."""
        space_break = break_space = False
        previous = ""
        for ch in text:
            if ch == " " and previous in _BREAKS and previous:
                break_space = True
            elif ch in _BREAKS and previous == " ":
                space_break = True
            previous = ch
        return space_break, break_space


def scalar_style(text: str, *, key: bool = False) -> str:
    """The style go-yaml gives a string value (or a mapping key, where blocks are not allowed)."""
    analysis = _Analysis(text)
    if "\n" in text:
        style = LITERAL
    elif _reads_as_other_type(text):
        style = DOUBLE
    else:
        style = PLAIN
    if style == PLAIN and not analysis.plain:
        style = SINGLE
    if style == SINGLE and not analysis.single:
        style = DOUBLE
    if style == LITERAL and (key or not analysis.block):
        style = DOUBLE
    return style


def double_quoted(text: str) -> str:
    # go-yaml checks for a byte order mark at the start of the string rather than at each
    # character, so a leading BOM makes it escape every character that follows
    escape_all = text.startswith("\ufeff")
    out = []
    for ch in text:
        escape = _ESCAPES.get(ch) or ("\\_" if escape_all and ch == "\xa0" else None)
        if escape is not None:
            out.append(escape)
        elif escape_all or ch == "\ufeff" or not _printable(ch):
            code = ord(ch)
            if code <= 0xFF:
                out.append(f"\\x{code:02X}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04X}")
            else:
                out.append(f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _literal(text: str, indent: int) -> str:
    """A literal block scalar: the `|` header (with hints) and the indented lines."""
    hint = "2" if text[0] == " " or text[0] in _BREAKS else ""
    if text[-1] not in _BREAKS:
        chomp = "-"
    elif len(text) == 1 or text[-2] in _BREAKS:
        chomp = "+"
    else:
        chomp = ""
    pad = " " * indent
    out = [f"|{hint}{chomp}\n"]
    at_line_start = True
    for ch in text:
        if ch in _BREAKS:
            at_line_start = True
        elif at_line_start:
            out.append(pad)
            at_line_start = False
        out.append(ch)
    block = "".join(out)
    return block[:-1] if block.endswith("\n") else block


def _indent_after_separators(text: str, pad: str) -> str:
    """go-yaml writes U+2028/U+2029 as line breaks: the text after one is indented again."""
    return re.sub("([\u2028\u2029]+)(?=[^\u2028\u2029\n])", lambda m: m[1] + pad, text)


__all__ = ["Writer", "go_float", "scalar_style", "yaml_sorted"]


class Writer:
    """Writes one YAML document; string styles are cached (the same strings recur a lot)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._styles: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    def render(self, data: Any) -> str:
        if isinstance(data, dict) and data:
            self._mapping(data, 0, "")
        elif isinstance(data, list) and data:
            self._sequence(data, 0, "")
        else:
            self.lines.append(self._inline(data, 0))
        return "\n".join(self.lines) + "\n"

    def key(self, text: str) -> str:
        rendered = self._keys.get(text)
        if rendered is None:
            style = scalar_style(text, key=True)
            rendered = _quote(text, style)
            self._keys[text] = rendered
        return rendered

    def _string(self, text: str, indent: int) -> str:
        style = self._styles.get(text)
        if style is None:
            style = scalar_style(text)
            self._styles[text] = style
        if style == LITERAL:
            return _literal(text, indent)
        return _quote_at(text, style, indent)

    def _inline(self, value: Any, indent: int) -> str:
        """A value that fits after `key: ` or `- ` (scalars, empty collections, blocks)."""
        if isinstance(value, str):
            return self._string(value, indent)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return go_float(value)
        if isinstance(value, dict):
            return "{}"
        if isinstance(value, list):
            return "[]"
        return self._string(str(value), indent)

    def _mapping(self, data: dict[str, Any], indent: int, first_prefix: str) -> None:
        pad = " " * indent
        prefix = first_prefix
        lines = self.lines
        for key, value in data.items():
            head = f"{prefix or pad}{self.key(str(key))}:"
            prefix = ""
            if isinstance(value, dict) and value:
                lines.append(head)
                self._mapping(value, indent + 2, "")
            elif isinstance(value, list) and value:
                lines.append(head)
                self._sequence(value, indent + 2, "")
            else:
                lines.append(f"{head} {self._inline(value, indent + 2)}")

    def _sequence(self, items: list[Any], indent: int, first_prefix: str) -> None:
        pad = " " * indent
        prefix = first_prefix
        lines = self.lines
        for item in items:
            dash = f"{prefix or pad}- "
            prefix = ""
            if isinstance(item, dict) and item:
                self._mapping(item, indent + 2, dash)
            elif isinstance(item, list) and item:
                self._sequence(item, indent + 2, dash)
            else:
                lines.append(dash + self._inline(item, indent + 2))


def _quote(text: str, style: str) -> str:
    if style == PLAIN:
        return text
    if style == SINGLE:
        return "'" + text.replace("'", "''") + "'"
    return double_quoted(text)


def _quote_at(text: str, style: str, indent: int) -> str:
    if style == SINGLE and ("\u2028" in text or "\u2029" in text):
        inner = _indent_after_separators(text.replace("'", "''"), " " * indent)
        return f"'{inner}'"
    return _quote(text, style)


def go_float(value: float, *, json: bool = False) -> str:
    """Format a float as Go does: shortest `%g` for YAML, shortest `%f`/`%e` for JSON."""
    if value != value:
        return ".nan"
    if value in (_INF, -_INF):
        return ".inf" if value > 0 else "-.inf"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    exp = point - 1
    # Go's shortest %g decides with a precision of 6; encoding/json has its own bounds
    use_exp = (abs(value) < 1e-6 or abs(value) >= 1e21) if json else (exp < -4 or exp >= 6)
    if use_exp:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        exp_text = f"{abs(exp):02d}"
        if json and exp < 0:
            exp_text = exp_text.lstrip("0") or "0"  # encoding/json turns e-07 into e-7
        return f"{sign}{body}e{'-' if exp < 0 else '+'}{exp_text}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


_INF = float("inf")


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest decimal digits of a positive `value` and where the decimal point goes."""
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, frac = mantissa.partition(".")
    raw = whole + frac
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = raw.lstrip("0")
    point -= len(raw) - len(stripped)
    return stripped.rstrip("0") or "0", point
