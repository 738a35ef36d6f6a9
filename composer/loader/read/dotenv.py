"""Read `.env` files (the project's and services' `env_file`) with docker compose's semantics.

Why this is not python-dotenv's parser: docker compose's `.env` grammar differs from it in ways
that change values (each checked with the reference docker compose v2.40.3):
- `KEY: VALUE` is an entry (python-dotenv reads `KEY:` as a key without value);
- in single quotes only `\\'` is an escape (python-dotenv also turns `\\\\` into `\\`);
- in double quotes the escapes are `\\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\$` and nothing else
  (python-dotenv also decodes `\\'` but not `\\$`, which docker uses to keep a `$` literal);
- text after a closing quote is ignored (`A="x"y` is `x`; python-dotenv rejects the line);
- keys are letters, digits and `_ . - [ ]` only, and a bad key is an error, not a skipped line;
- interpolation is the full compose grammar (`${A:?msg}`, `${A:+alt}`), looked up in the OS
  environment first and then in the keys read so far; python-dotenv's is a subset that looks
  in the file first.
Every one of these is in the tokenizer, so a thin layer over python-dotenv would have had to
re-read each entry's original text; a small parser of our own is simpler and exact.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from composer.errors import ComposerError, ConfigError, Problem
from composer.loader.interpolation.template import (
    InvalidTemplateError,
    Lookup,
    MissingRequiredError,
    Warn,
    substitute,
)

_KEY_CHAR = re.compile(r"[A-Za-z0-9_.\-\[\]]")
_EXPORT = re.compile(r"export[ \t]+(?=\S)")
_DOUBLE_QUOTE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    # `\$` must stay a literal `$` through interpolation, so it becomes the template's `$$`.
    "$": "$$",
}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


class EnvFileError(Exception):
    """A line of an env file that cannot be read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _unescape_double(text: str) -> str:
    return _ESCAPE.sub(lambda m: _DOUBLE_QUOTE_ESCAPES.get(m.group(1), m.group(0)), text)


@dataclass
class _Parser:
    """One pass over the text of an env file; `values` fills as entries are read."""

    text: str
    lookup: Lookup
    warn: Warn
    values: dict[str, str] = field(default_factory=dict)
    pos: int = 0
    line: int = 1

    def resolve(self, name: str) -> str | None:
        """The OS environment first, then the keys read so far (docker's order)."""
        found = self.lookup(name)
        return found if found is not None else self.values.get(name)

    def expand(self, text: str, line: int) -> str:
        try:
            return substitute(text, self.resolve, self.warn)
        except MissingRequiredError as exc:
            raise EnvFileError(line, exc.describe()) from None
        except InvalidTemplateError as exc:
            raise EnvFileError(line, f'invalid interpolation format: "{exc.text}"') from None

    def take_line(self) -> str:
        """The rest of the current line, without its newline."""
        end = self.text.find("\n", self.pos)
        if end < 0:
            end = len(self.text)
        rest = self.text[self.pos : end]
        self.pos = end + 1
        self.line += 1
        return rest

    def parse(self) -> dict[str, str]:
        while self.pos < len(self.text):
            self.entry()
        return self.values

    def entry(self) -> None:
        start_line = self.line
        body = self.take_line().lstrip()
        if not body.strip() or body.startswith("#"):
            return
        export = _EXPORT.match(body)
        if export:
            body = body[export.end() :]
        key, separator, rest = self.split_key(body, start_line)
        if not key:
            return  # `=value`: docker ignores the line
        if not separator:
            inherited = self.lookup(key)
            if inherited is not None:
                self.values[key] = inherited
            return
        self.values[key] = self.value(rest.lstrip(" \t"), start_line)

    def split_key(self, body: str, line: int) -> tuple[str, str, str]:
        """`KEY`, the separator (`=`, `:` or nothing) and the text after it."""
        for index, char in enumerate(body):
            if char in "=:":
                key = body[:index].rstrip(" \t")
                self.check_key(key, body, line)
                return key, char, body[index + 1 :]
        key = body.rstrip()
        self.check_key(key, key, line)
        return key, "", ""

    @staticmethod
    def check_key(key: str, body: str, line: int) -> None:
        for char in key:
            if char in " \t":
                raise EnvFileError(line, "key cannot contain a space")
            if not _KEY_CHAR.match(char):
                raise EnvFileError(line, f'unexpected character "{char}" in variable name "{body}"')

    def value(self, rest: str, line: int) -> str:
        if rest[:1] in ("'", '"'):
            return self.quoted(rest, line)
        # An unquoted value ends at ` #` (an inline comment) and loses trailing blanks.
        value = rest.split(" #", 1)[0].rstrip()
        return self.expand(value, line)

    def quoted(self, rest: str, line: int) -> str:
        """A quoted value, which may continue on the following lines."""
        quote = rest[0]
        text = rest
        search = 1
        while True:
            end = self._closing_quote(text, quote, search)
            if end >= 0:
                break
            if self.pos >= len(self.text):
                first = rest.split("\n", 1)[0]
                raise EnvFileError(line, f"unterminated quoted value {first}")
            search = len(text) + 1
            text = f"{text}\n{self.take_line()}"
        inner = text[1:end]
        # Anything after the closing quote (a comment or not) is ignored, as docker does.
        if quote == "'":
            return inner.replace("\\'", "'")
        return self.expand(_unescape_double(inner), line)

    @staticmethod
    def _closing_quote(text: str, quote: str, start: int) -> int:
        index = text.find(quote, start)
        while index > 0 and text[index - 1] == "\\":
            index = text.find(quote, index + 1)
        return index


def parse_env(
    text: str,
    lookup: Lookup,
    warn: Warn,
    values: dict[str, str] | None = None,
) -> dict[str, str]:
    """The entries of env file text, in order; raises EnvFileError for a bad line.

    `lookup` is the OS environment; `values` (updated in place) holds keys read before this
    text, which interpolation sees after the OS environment. A bare `KEY` takes its value from
    `lookup` and is left out when that has none (docker drops it too).
    """
    text = text.removeprefix("\ufeff")
    parser = _Parser(text, lookup, warn, values if values is not None else {})
    return parser.parse()


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def load_project_env_files(
    paths: list[str], environ: Mapping[str, str], warn: Warn
) -> dict[str, str]:
    """The keys of the project env files, a later file overriding an earlier one.

    Values are interpolated with `environ` (the OS environment) first, then earlier keys.
    Each path must exist: `couldn't find env file: PATH` otherwise.
    """
    values: dict[str, str] = {}
    for path in paths:
        if not os.path.isfile(path):
            raise ComposerError(f"couldn't find env file: {path}")
        try:
            parse_env(read_text(path), environ.get, warn, values)
        except EnvFileError as exc:
            raise ConfigError([Problem(path, exc.line, "", exc.message)]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ComposerError(f"failed to read {path}: {exc}") from None
    return values


def parse_raw_env(text: str, lookup: Lookup) -> dict[str, str]:
    """`format: raw` (`docker run --env-file`): `KEY=VALUE` lines taken literally."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        entry = line.lstrip()
        if not entry or entry.startswith("#"):
            continue
        key, separator, value = entry.partition("=")
        if any(char.isspace() for char in key):
            raise EnvFileError(number, f"variable '{key}' contains whitespaces")
        if separator:
            values[key] = value
            continue
        inherited = lookup(key)
        if inherited is not None:
            values[key] = inherited
    return values


def read_env_file(
    path: str,
    environment: Mapping[str, str],
    warn: Warn,
    *,
    required: bool = True,
    raw: bool = False,
) -> dict[str, str | None]:
    """The entries of a service `env_file` (what the environment stage merges).

    Interpolation looks in `environment` (the caller passes the project environment, then
    the service's own `environment`) and then in the file's earlier keys. A missing file is
    `env file PATH not found` unless `required` is false; then it gives nothing.
    """
    if not os.path.isfile(path):
        if not required:
            return {}
        raise ComposerError(f"env file {path} not found")
    lookup: Callable[[str], str | None] = environment.get
    try:
        text = read_text(path)
        parsed = parse_raw_env(text, lookup) if raw else parse_env(text, lookup, warn)
    except EnvFileError as exc:
        raise ConfigError([Problem(path, exc.line, "", exc.message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ComposerError(f"failed to read {path}: {exc}") from None
    return dict(parsed)
