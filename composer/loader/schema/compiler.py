"""Compile composer's JSON schema into fast Python checks that report every problem.

jsonschema needs about 300 ms for a 500-service file; these closures need a few ms. They
cover the subset of JSON Schema 2020-12 that schemas/compose.schema.json uses, with the same
meaning (tests/unit/loader/schema/test_schema_agreement.py runs both over the conformance
files), and speak in plain words through messages.py. A keyword outside the subset is refused
at compile time, so the schema cannot silently use something this module ignores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from composer.loader.schema import messages as say
from composer.loader.schema.messages import json_type
from composer.loader.sources import Path

# Keywords that only document or shape messages; they never reject anything.
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "default", "deprecated", "examples"}
    | {"x-hint", "$defs", "definitions"}
)
ASSERTIONS = frozenset(
    {"$ref", "type", "enum", "pattern", "minLength", "minimum", "maximum", "anyOf", "oneOf"}
    | {"properties", "patternProperties", "additionalProperties", "propertyNames", "required"}
    | {"items", "uniqueItems", "minItems"}
)


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One problem: the key path it is about, what is wrong, and where to point (`at`)."""

    path: Path
    message: str
    at: Path | None = None

    @property
    def where(self) -> Path:
        return self.path if self.at is None else self.at


class SchemaCompileError(Exception):
    """The schema uses something this compiler does not implement (a bug in composer)."""


Issues = list[SchemaIssue]
Check = Callable[[Any, Path, Issues], None]


def _no_check(value: Any, path: Path, out: Issues) -> None:
    return None


def _accepted(types: Any) -> frozenset[str] | None:
    if types is None:
        return None
    accepted = {types} if isinstance(types, str) else set(types)
    if "number" in accepted:
        accepted.add("integer")
    return frozenset(accepted)


def _key_matcher(pattern: str) -> Callable[[str], bool]:
    """`^x-` becomes a startswith test: most keys of a compose file go through this."""
    literal = pattern[1:]
    if pattern.startswith("^") and re.fullmatch(r"[\w-]+", literal):
        return lambda key: key.startswith(literal)
    search = re.compile(pattern).search
    return lambda key: search(key) is not None


def _unique_key(value: Any) -> Any:
    """A hashable stand-in with JSON equality: `true` differs from `1`, `1` equals `1.0`."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (dict, list)):
        return ("json", json.dumps(value, sort_keys=True, default=str))
    return value


class SchemaCompiler:
    """Turns schema nodes into Checks; `lenient` lets strings with `$` pass pattern and enum.

    Lenient mode is for `--no-interpolate`: `${VAR}` then reaches validation unexpanded.
    """

    def __init__(self, root: Mapping[str, Any], lenient: bool = False) -> None:
        self.root = root
        self.lenient = lenient
        self._refs: dict[str, list[Check]] = {}

    def compile(self, node: Mapping[str, Any]) -> Check:
        unknown = set(node) - ANNOTATIONS - ASSERTIONS
        if unknown:
            raise SchemaCompileError(f"unsupported schema keywords: {sorted(unknown)}")
        accepted = _accepted(node.get("type"))
        expected = accepted or frozenset()
        common = self._common_checks(node)
        by_kind = self._kind_checks(node)
        if accepted is None and not common and not by_kind:
            return _no_check
        if accepted is not None and not common and not by_kind:
            return _type_only(accepted)

        def check(value: Any, path: Path, out: Issues) -> None:
            kind = json_type(value)
            if accepted is not None and kind not in accepted:
                out.append(SchemaIssue(path, say.wrong_type(expected, value)))
                return
            for part in common:
                part(value, path, out)
            for part in by_kind.get(kind, ()):
                part(value, path, out)

        return check

    # -- keywords that apply to every kind of value -------------------------------------------

    def _common_checks(self, node: Mapping[str, Any]) -> list[Check]:
        checks: list[Check] = []
        if "$ref" in node:
            checks.append(self._ref(node["$ref"]))
        if "enum" in node:
            checks.append(self._enum(node["enum"]))
        for keyword in ("anyOf", "oneOf"):
            if keyword in node:
                checks.append(self._alternatives(node[keyword], keyword == "oneOf"))
        return checks

    def resolve(self, pointer: str) -> Mapping[str, Any]:
        if not pointer.startswith("#/"):
            raise SchemaCompileError(f"only local $ref is supported: {pointer}")
        node: Any = self.root
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        if not isinstance(node, Mapping):
            raise SchemaCompileError(f"$ref {pointer} is not a schema")
        return node

    def _ref(self, pointer: str) -> Check:
        cell = self._refs.get(pointer)
        if cell is None:
            cell = self._refs[pointer] = []  # filled below; recursion finds the cell
            cell.append(self.compile(self.resolve(pointer)))
        if cell:
            return cell[0]

        def forward(value: Any, path: Path, out: Issues) -> None:
            cell[0](value, path, out)

        return forward

    def _enum(self, choices: list[Any]) -> Check:
        lenient = self.lenient
        if all(isinstance(choice, str) for choice in choices):
            allowed = frozenset(choices)

            def check_str(value: Any, path: Path, out: Issues) -> None:
                if type(value) is str and (value in allowed or (lenient and "$" in value)):
                    return
                out.append(SchemaIssue(path, say.not_in_enum(choices, value)))

            return check_str
        keys = {_unique_key(choice) for choice in choices}

        def check_any(value: Any, path: Path, out: Issues) -> None:
            if _unique_key(value) not in keys:
                out.append(SchemaIssue(path, say.not_in_enum(choices, value)))

        return check_any

    def node_types(self, node: Mapping[str, Any]) -> frozenset[str] | None:
        """The JSON types a node can accept at all (None: any), looking through $ref."""
        if "type" in node:
            return _accepted(node["type"])
        if "$ref" in node:
            return self.node_types(self.resolve(node["$ref"]))
        for keyword in ("anyOf", "oneOf"):
            if keyword in node:
                parts = [self.node_types(branch) for branch in node[keyword]]
                if any(part is None for part in parts):
                    return None
                return frozenset().union(*(part for part in parts if part is not None))
        return None

    def _alternatives(self, branches: list[Mapping[str, Any]], exactly_one: bool) -> Check:
        """anyOf/oneOf: only the branches that take the value's type are tried, so the
        problems reported are those of the form the user evidently meant."""
        compiled = [(self.node_types(branch), self.compile(branch)) for branch in branches]
        every = [types for types, _ in compiled]
        expected = None if None in every else frozenset().union(*(t for t in every if t))

        def check(value: Any, path: Path, out: Issues) -> None:
            kind = json_type(value)
            tries = [c for types, c in compiled if types is None or kind in types]
            if not tries:
                out.append(SchemaIssue(path, say.wrong_type(expected or (), value)))
                return
            if len(tries) == 1:
                tries[0](value, path, out)
                return
            results: list[Issues] = []
            for attempt in tries:
                found: Issues = []
                attempt(value, path, found)
                results.append(found)
            passed = sum(1 for found in results if not found)
            if passed > 1 and exactly_one:
                out.append(SchemaIssue(path, say.ambiguous()))
            elif passed == 0:
                fewest: Issues = min(results, key=_count)
                out.extend(fewest)

        return check

    # -- keywords for one kind of value ---------------------------------------------------------

    def _kind_checks(self, node: Mapping[str, Any]) -> dict[str, list[Check]]:
        found: dict[str, list[Check] | None] = {
            "object": self._object(node),
            "array": self._array(node),
            "string": self._string(node),
            "integer": self._number(node),
        }
        checks = {kind: parts for kind, parts in found.items() if parts}
        if "integer" in checks:
            checks["number"] = checks["integer"]
        return checks

    def _string(self, node: Mapping[str, Any]) -> list[Check] | None:
        checks: list[Check] = []
        if "pattern" in node:
            pattern = node["pattern"]
            search = re.compile(pattern).search
            title, hint, lenient = node.get("title"), node.get("x-hint"), self.lenient

            def check_pattern(value: str, path: Path, out: Issues) -> None:
                if search(value) is None and not (lenient and "$" in value):
                    out.append(SchemaIssue(path, say.pattern_mismatch(title, hint, pattern, value)))

            checks.append(check_pattern)
        if "minLength" in node:
            min_length = node["minLength"]

            def check_length(value: str, path: Path, out: Issues) -> None:
                if len(value) < min_length:
                    out.append(SchemaIssue(path, say.too_short(min_length, value)))

            checks.append(check_length)
        return checks

    def _number(self, node: Mapping[str, Any]) -> list[Check] | None:
        low, high = node.get("minimum"), node.get("maximum")
        if low is None and high is None:
            return None

        def check_range(value: float, path: Path, out: Issues) -> None:
            if low is not None and value < low:
                out.append(SchemaIssue(path, say.below_minimum(low, value)))
            elif high is not None and value > high:
                out.append(SchemaIssue(path, say.above_maximum(high, value)))

        return [check_range]

    def _array(self, node: Mapping[str, Any]) -> list[Check] | None:
        checks: list[Check] = []
        if "items" in node:
            item = self.compile(node["items"])
            if item is not _no_check:

                def check_items(value: list[Any], path: Path, out: Issues) -> None:
                    for index, entry in enumerate(value):
                        item(entry, (*path, index), out)

                checks.append(check_items)
        if node.get("uniqueItems"):
            checks.append(_check_unique)
        if "minItems" in node:
            min_items = node["minItems"]

            def check_count(value: list[Any], path: Path, out: Issues) -> None:
                if len(value) < min_items:
                    out.append(SchemaIssue(path, say.too_few_items(min_items)))

            checks.append(check_count)
        return checks

    def _object(self, node: Mapping[str, Any]) -> list[Check] | None:
        keywords = ("properties", "patternProperties", "additionalProperties", "propertyNames")
        checks: list[Check] = []
        if any(keyword in node for keyword in keywords):
            checks.append(self._object_keys(node))
        required = tuple(node.get("required", ()))
        if required:

            def check_required(value: dict[str, Any], path: Path, out: Issues) -> None:
                for key in required:
                    if key not in value:
                        out.append(SchemaIssue(path, say.missing_key(key)))

            checks.append(check_required)
        return checks

    def _object_keys(self, node: Mapping[str, Any]) -> Check:
        properties = {key: self.compile(sub) for key, sub in node.get("properties", {}).items()}
        patterns = [
            (_key_matcher(pattern), self.compile(sub))
            for pattern, sub in node.get("patternProperties", {}).items()
        ]
        extra = node.get("additionalProperties", True)
        closed = extra is False
        additional = None if isinstance(extra, bool) else self.compile(extra)
        names = self.compile(node["propertyNames"]) if "propertyNames" in node else None
        known = tuple(properties)

        def check_keys(value: dict[str, Any], path: Path, out: Issues) -> None:
            for key, entry in value.items():
                here = (*path, key)
                if names is not None:
                    _check_name(names, key, path, here, out)
                sub = properties.get(key)
                matched = sub is not None
                if sub is not None and sub is not _no_check:
                    sub(entry, here, out)
                for matches, pattern_check in patterns:
                    if matches(key):
                        matched = True
                        pattern_check(entry, here, out)
                if matched:
                    continue
                if closed:
                    message = say.unknown_key(key, known, top_level=not path)
                    out.append(SchemaIssue(path, message, here))
                elif additional is not None:
                    additional(entry, here, out)

        return check_keys


def _count(found: Issues) -> int:
    return len(found)


def _check_name(names: Check, key: str, path: Path, here: Path, out: Issues) -> None:
    """A key checked as a value: report it on the mapping, pointing at the key's line."""
    start = len(out)
    names(key, here, out)
    for index in range(start, len(out)):
        out[index] = SchemaIssue(path, out[index].message, here)


def _type_only(accepted: frozenset[str]) -> Check:
    """The most common node (`{"type": "string"}`), without the keyword loop."""

    def check_type(value: Any, path: Path, out: Issues) -> None:
        if json_type(value) not in accepted:
            out.append(SchemaIssue(path, say.wrong_type(accepted, value)))

    return check_type


def _check_unique(value: list[Any], path: Path, out: Issues) -> None:
    if all(type(entry) is str for entry in value) and len(set(value)) == len(value):
        return  # the usual case: distinct strings
    seen: dict[Any, int] = {}
    for index, entry in enumerate(value):
        key = _unique_key(entry)
        first = seen.setdefault(key, index)
        if first != index:
            out.append(SchemaIssue((*path, index), say.duplicate_item(entry, first)))


def compile_schema(schema: Mapping[str, Any], lenient: bool = False) -> Check:
    """A Check for the whole schema; call it as `check(data, (), issues)`."""
    return SchemaCompiler(schema, lenient).compile(schema)
