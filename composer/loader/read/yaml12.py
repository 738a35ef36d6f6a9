"""Read YAML 1.2 (core schema) into plain data, with line numbers and no duplicate keys."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import yaml

from composer.errors import ConfigError, Problem, config_error
from composer.loader.read.tags import Override, Reset
from composer.loader.sources import Key, Location, Path, SourceMap, format_path

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"


class _Core12Resolver(yaml.resolver.BaseResolver):
    """Implicit typing of plain scalars by the YAML 1.2 core schema (`yes`, `on` stay strings)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


_Core12Resolver.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Core12Resolver.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Core12Resolver.add_implicit_resolver(
    _INT,
    re.compile(r"^[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)$"),
    list("-+0123456789"),
)
_Core12Resolver.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Core12Resolver.add_implicit_resolver(_MERGE, re.compile(r"^<<$"), ["<"])

_ParserBase: Any
try:
    from yaml.cyaml import CParser as _ParserBase  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - pyyaml built without libyaml

    class _PyParser(
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)

    _ParserBase = _PyParser


class _Loader(_ParserBase, _Core12Resolver):  # type: ignore[misc]
    """Composes node trees with libyaml and the YAML 1.2 core resolver; we construct ourselves."""

    def __init__(self, stream: str) -> None:
        _ParserBase.__init__(self, stream)
        _Core12Resolver.__init__(self)


def _to_int(text: str) -> int | float | str:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-").replace("_", "")
    try:
        if body[:2] in ("0x", "0X"):
            return sign * int(body[2:], 16)
        if body[:2] in ("0o", "0O"):
            return sign * int(body[2:], 8)
        if body[:2] in ("0b", "0B"):
            return sign * int(body[2:], 2)
        if len(body) > 1 and body.startswith("0"):
            # go-yaml parses a leading zero as octal (strconv base 0): `010` is 8
            return sign * int(body, 8)
        return sign * int(body, 10)
    except ValueError:
        return _to_float(text)


def _to_float(text: str) -> float | str:
    low = text.lower()
    if low.endswith(".inf"):
        return -math.inf if low.startswith("-") else math.inf
    if low == ".nan":
        return math.nan
    try:
        return float(text)
    except ValueError:
        return text


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _INT:
        return _to_int(value)
    if tag == _FLOAT:
        return _to_float(value)
    return value


class _Builder:
    """Turns one composed node tree into plain data plus a SourceMap."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.sources = SourceMap()
        self.problems: list[Problem] = []

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1

    def problem(self, node: yaml.Node, path: Path, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(node), format_path(path), message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        tag = node.tag
        if tag == "!reset":
            return Reset(self._plain(node, path))
        if tag == "!override":
            return Override(self._plain(node, path))
        return self._plain(node, path)

    def _plain(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                child_path = (*path, index)
                self.sources.add(child_path, Location(self.file, self.line(child)))
                items.append(self.build(child, child_path))
            return items
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        return None  # pragma: no cover - no other node kinds exist

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge_into(merged, value_node, path)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, path, "mapping keys must be strings")
                continue
            key: str = key_node.value
            if key in seen:
                self.problem(
                    key_node,
                    path,
                    f'mapping key "{key}" already defined at line {seen[key]}',
                )
                continue
            seen[key] = self.line(key_node)
            child_path = (*path, key)
            self.sources.add(child_path, Location(self.file, seen[key]))
            result[key] = self.build(value_node, child_path)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge_into(self, merged: dict[str, Any], node: yaml.Node, path: Path) -> None:
        """Apply a `<<` merge key: earlier sources win, explicit keys win over all of them."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                self.problem(source, path, "a merge key (<<) must refer to a mapping")
                continue
            for key, value in self._mapping(source, path).items():
                merged.setdefault(key, value)


def _documents(text: str, file: str) -> Iterator[yaml.Node | None]:
    loader = _Loader(text)
    try:
        while loader.check_node():
            yield loader.get_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise config_error(f"invalid YAML: {reason}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise config_error(f"invalid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()


def read_yaml(text: str, file: str) -> list[tuple[Any, SourceMap]]:
    """Parse every YAML document of `text`; each becomes (data, sources).

    `file` is the name errors show. Raises ConfigError for malformed YAML, duplicate keys
    and non-string keys, listing every such problem of the file.
    """
    documents: list[tuple[Any, SourceMap]] = []
    problems: list[Problem] = []
    for node in _documents(text, file):
        builder = _Builder(file)
        if node is None:
            documents.append((None, builder.sources))
            continue
        builder.sources.add((), Location(file, builder.line(node)))
        data = builder.build(node, ())
        problems.extend(builder.problems)
        documents.append((data, builder.sources))
    if problems:
        raise ConfigError(problems)
    return documents


def key_text(key: Key) -> str:
    """A path key as text (for messages)."""
    return str(key)
