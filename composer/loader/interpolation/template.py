"""The `${VAR}` grammar of compose files and .env files: substitution and variable listing.

Forms: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`,
`${VAR:+alternate}`, `${VAR+alternate}`, and `$$` for a literal `$`. A `$` before anything that
does not start a name is kept as it is. Defaults, alternates and messages are templates too, and
are expanded before the operator is applied (docker compose does the same: a required variable
in an unused default still fails), so errors and warnings do not depend on the environment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

Lookup = Callable[[str], str | None]
Warn = Callable[[str], None]

_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
# What matters when matching braces: `$$` (skipped whole), `${` and `}`.
_BRACE_TOKENS = re.compile(r"\$[${]|\}")
# The operators that may follow a name inside braces; the two-character ones first.
_OPERATORS = (":?", ":-", ":+", "?", "-", "+")


class TemplateError(Exception):
    """A template that cannot be expanded."""


class InvalidTemplateError(TemplateError):
    """A `${...}` that does not follow the grammar; `text` is the template that holds it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class MissingRequiredError(TemplateError):
    """`${VAR:?message}` or `${VAR?message}` with VAR missing."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(name)
        self.name = name
        self.message = message

    def describe(self) -> str:
        """docker compose's wording."""
        text = f"required variable {self.name} is missing a value"
        return f"{text}: {self.message}" if self.message else text


class Variable(NamedTuple):
    """A variable a template uses, as `config --variables` lists it."""

    name: str
    required: bool
    default: str
    alternate: str


def unset_warning(name: str) -> str:
    return f'The "{name}" variable is not set. Defaulting to a blank string.'


def closing_brace(text: str, start: int) -> int:
    """The index of the `}` closing the `${` at `start`, or -1.

    Only nested `${` open a level (a plain `{` does not), as in docker compose: `${U:-{x}}` is
    the default `{x` followed by a literal `}`.
    """
    depth = 0
    for token in _BRACE_TOKENS.finditer(text, start):
        kind = token.group()
        if kind == "${":
            depth += 1
        elif kind == "}":
            depth -= 1
            if depth == 0:
                return token.start()
    return -1


def split_braced(body: str, text: str) -> tuple[str, str, str]:
    """`NAME`, operator and operand of the text between `${` and `}`."""
    match = _NAME.match(body)
    if match is None:
        raise InvalidTemplateError(text)
    name = match.group()
    rest = body[match.end() :]
    if not rest:
        return name, "", ""
    for op in _OPERATORS:
        if rest.startswith(op):
            return name, op, rest[len(op) :]
    raise InvalidTemplateError(text)


def substitute(text: str, lookup: Lookup, warn: Warn) -> str:
    """Expand every form in `text`; raise InvalidTemplateError or MissingRequiredError."""
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        follower = text[j + 1 : j + 2]
        if follower == "$":
            out.append("$")
            i = j + 2
        elif follower == "{":
            end = closing_brace(text, j)
            if end < 0:
                raise InvalidTemplateError(text)
            out.append(_expand_braced(text[j + 2 : end], text, lookup, warn))
            i = end + 1
        else:
            match = _NAME.match(text, j + 1)
            if match is None:
                out.append("$")
                i = j + 1
            else:
                out.append(_plain(match.group(), lookup, warn))
                i = match.end()
    return "".join(out)


def _plain(name: str, lookup: Lookup, warn: Warn) -> str:
    value = lookup(name)
    if value is None:
        warn(unset_warning(name))
        return ""
    return value


def _expand_braced(body: str, text: str, lookup: Lookup, warn: Warn) -> str:
    name, op, operand = split_braced(body, text)
    if not op:
        return _plain(name, lookup, warn)
    expanded = substitute(operand, lookup, warn)
    value = lookup(name)
    filled = bool(value)
    if op == ":-":
        return value if filled and value is not None else expanded
    if op == "-":
        return value if value is not None else expanded
    if op == ":+":
        return expanded if filled else (value or "")
    if op == "+":
        return expanded if value is not None else ""
    if (op == ":?" and not filled) or (op == "?" and value is None):
        raise MissingRequiredError(name, expanded)
    return value or ""


def variables(text: str) -> Iterator[Variable]:
    """Every variable `text` uses, nested ones before the one that holds them.

    Malformed templates yield what could be read before the error (listing never fails).
    """
    if "$" not in text:
        return
    i = 0
    n = len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0:
            return
        follower = text[j + 1 : j + 2]
        if follower == "$":
            i = j + 2
        elif follower == "{":
            end = closing_brace(text, j)
            if end < 0:
                return
            yield from _braced_variables(text[j + 2 : end], text)
            i = end + 1
        else:
            match = _NAME.match(text, j + 1)
            if match is not None:
                yield Variable(match.group(), False, "", "")
                i = match.end()
            else:
                i = j + 1


def _braced_variables(body: str, text: str) -> Iterator[Variable]:
    try:
        name, op, operand = split_braced(body, text)
    except InvalidTemplateError:
        return
    yield from variables(operand)
    yield Variable(
        name,
        required=op in (":?", "?"),
        default=operand if op in (":-", "-") else "",
        alternate=operand if op in (":+", "+") else "",
    )
