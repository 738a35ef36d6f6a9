"""Stage: interpolate `${VAR}` forms in values, then apply docker compose's type casts.

Only values are interpolated, never keys. After interpolation, string values at a fixed set of
paths are cast to int, float or bool, as docker compose does (so `replicas: "${N}"` becomes a
number before schema validation). The paths and the accepted spellings were checked against the
reference docker compose v2.40.3: for example `secrets[].mode` and `ports[].published` stay strings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from composer.errors import ConfigError, Problem
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.interpolation.template import (
    InvalidTemplateError,
    MissingRequiredError,
    Variable,
    Warn,
    substitute,
)
from composer.loader.interpolation.template import variables as template_variables
from composer.loader.read.tags import Override, Reset
from composer.loader.sources import Key, Path, SourceMap, format_path

ESCAPE_HINT = "You may need to escape any $ with another $."

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.IGNORECASE
)
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class CastError(ValueError):
    """A string that does not read as the type its path needs."""


def to_int(text: str, warn: Warn) -> int:
    """A decimal integer that fits 64 bits (Go's strconv.Atoi / ParseInt)."""
    if not _INT.fullmatch(text):
        raise CastError(f"invalid integer: {text}")
    number = int(text)
    if not _INT64_MIN <= number <= _INT64_MAX:
        raise CastError(f"integer out of range: {text}")
    return number


def to_float(text: str, warn: Warn) -> float:
    """A decimal number; `float()` alone would also take `1_000` and surrounding spaces."""
    if not _FLOAT.fullmatch(text):
        raise CastError(f"invalid number: {text}")
    return float(text)


def to_bool(text: str, warn: Warn) -> bool:
    """`true`/`false` in any case; YAML 1.1 spellings (`yes`, `off`...) with a warning."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("y", "yes", "on", "n", "no", "off"):
        value = lowered in ("y", "yes", "on")
        spelled = "true" if value else "false"
        warn(f'"{text}" for boolean is not supported by YAML 1.2, please use `{spelled}`')
        return value
    raise CastError(f"invalid boolean: {text}")


Cast = Callable[[str, Warn], Any]

# `*` is any mapping key, `[]` any list item.
_SERVICE_CASTS: dict[str, Cast] = {
    "cpu_count": to_int,
    "cpu_percent": to_float,
    "cpu_period": to_int,
    "cpu_quota": to_int,
    "cpu_rt_period": to_int,
    "cpu_rt_runtime": to_int,
    "cpus": to_float,
    "cpu_shares": to_int,
    "init": to_bool,
    "deploy.replicas": to_int,
    "deploy.update_config.parallelism": to_int,
    "deploy.update_config.max_failure_ratio": to_float,
    "deploy.rollback_config.parallelism": to_int,
    "deploy.rollback_config.max_failure_ratio": to_float,
    "deploy.restart_policy.max_attempts": to_int,
    "deploy.placement.max_replicas_per_node": to_int,
    "healthcheck.retries": to_int,
    "healthcheck.disable": to_bool,
    "oom_kill_disable": to_bool,
    "oom_score_adj": to_int,
    "pids_limit": to_int,
    "ports.[].target": to_int,
    "privileged": to_bool,
    "read_only": to_bool,
    "scale": to_int,
    "stdin_open": to_bool,
    "tty": to_bool,
    "ulimits.*": to_int,
    "ulimits.*.hard": to_int,
    "ulimits.*.soft": to_int,
    "volumes.[].read_only": to_bool,
    "volumes.[].volume.nocopy": to_bool,
}
_TOP_CASTS: dict[str, Cast] = {
    "networks.*.external": to_bool,
    "networks.*.internal": to_bool,
    "networks.*.attachable": to_bool,
    "networks.*.enable_ipv4": to_bool,
    "networks.*.enable_ipv6": to_bool,
    "volumes.*.external": to_bool,
    "secrets.*.external": to_bool,
    "configs.*.external": to_bool,
}


@dataclasses.dataclass
class CastNode:
    """One level of the cast table, so the walk finds a path's cast in O(1) per step."""

    children: dict[str, CastNode] = dataclasses.field(default_factory=dict)
    cast: Cast | None = None

    def child(self, key: str | int) -> CastNode | None:
        if isinstance(key, int):
            return self.children.get("[]")
        return self.children.get(key) or self.children.get("*")


def build_cast_tree(table: Mapping[str, Cast]) -> CastNode:
    root = CastNode()
    for pattern, cast in table.items():
        node = root
        for part in pattern.split("."):
            node = node.children.setdefault(part, CastNode())
        node.cast = cast
    return root


CAST_TREE = build_cast_tree(
    {**_TOP_CASTS, **{f"services.*.{path}": cast for path, cast in _SERVICE_CASTS.items()}}
)


# A path built while walking, as nested (parent, key) pairs: much cheaper than a tuple per
# value, and flattened only when a problem needs it.
Trail = tuple[Any, Key] | Path


def flatten(trail: Trail) -> Path:
    """The flat key path of a trail whose root is a flat path."""
    keys: list[Key] = []
    while len(trail) == 2 and isinstance(trail[0], tuple):
        keys.append(trail[1])
        trail = trail[0]
    return (*trail, *reversed(keys))


class _Interpolator:
    """Walks plain data, expanding strings and casting them; collects every problem."""

    def __init__(self, environment: Mapping[str, str], warn: Warn, sources: SourceMap) -> None:
        self.lookup = environment.get
        self.warn = warn
        self.sources = sources
        self.problems: list[Problem] = []
        self.invalid_format = False

    def walk(self, value: Any, trail: Trail, node: CastNode | None) -> Any:
        """`value` interpolated; `trail` is its path as nested (parent, key) pairs."""
        kind = type(value)
        if kind is str:
            if node is None and "$" not in value:
                return value
            return self.string(value, trail, node)
        if kind is dict:
            if node is None:
                return {key: self.walk(item, (trail, key), None) for key, item in value.items()}
            return {
                key: self.walk(item, (trail, key), node.child(key)) for key, item in value.items()
            }
        if kind is list:
            child = node.child(0) if node is not None else None
            return [self.walk(item, (trail, index), child) for index, item in enumerate(value)]
        if kind is Override:
            return Override(self.walk(value.value, trail, node))
        if kind is Reset:
            return Reset(self.walk(value.value, trail, node))
        return value

    def string(self, text: str, trail: Trail, node: CastNode | None) -> Any:
        if "$" in text:
            try:
                text = substitute(text, self.lookup, self.warn)
            except MissingRequiredError as exc:
                self.problems.append(self.sources.problem(flatten(trail), exc.describe()))
                return text
            except InvalidTemplateError as exc:
                self.problems.append(self.invalid(flatten(trail), exc.text))
                return text
        cast = node.cast if node is not None else None
        if cast is None:
            return text
        try:
            return cast(text, self.warn)
        except CastError as exc:
            message = f"failed to cast to expected type: {exc}"
            self.problems.append(self.sources.problem(flatten(trail), message))
            return text

    def invalid(self, path: Path, text: str) -> Problem:
        self.invalid_format = True
        where = self.sources.locate(path)
        message = f'invalid interpolation format for {format_path(path)}: "{text}"'
        return Problem(where.file if where else None, where.line if where else None, "", message)

    def raise_problems(self) -> None:
        if self.problems:
            raise ConfigError(self.problems, ESCAPE_HINT if self.invalid_format else None)


def interpolate_data(
    data: Any,
    environment: Mapping[str, str],
    warn: Warn,
    sources: SourceMap,
    path: Path = (),
) -> Any:
    """`data` (found at `path`) with every string value expanded and cast.

    Raises ConfigError listing every problem found (required variables, malformed `${...}`,
    values that do not cast), each located through `sources`.
    """
    node: CastNode | None = CAST_TREE
    for key in path:
        node = node.child(key) if node is not None else None
    walker = _Interpolator(environment, warn, sources)
    result = walker.walk(data, path, node)
    walker.raise_problems()
    return result


def interpolate_document(
    doc: ConfigDocument, environment: Mapping[str, str], ctx: LoadContext
) -> ConfigDocument:
    """The document with its values interpolated and cast (its keys are left alone)."""
    data = interpolate_data(doc.data, environment, ctx.warn, doc.sources)
    return dataclasses.replace(doc, data=data)


def variables(data: Any) -> list[Variable]:
    """The variables the values of `data` use, by name, for `config --variables`.

    Like docker compose, the top-level `name` is not listed. A variable used several times is
    listed once; the last use wins, a use nested in another's default before the outer one.
    """
    found: dict[str, Variable] = {}

    def visit(value: Any) -> None:
        if isinstance(value, str):
            for variable in template_variables(value):
                found[variable.name] = variable
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, Override | Reset):
            visit(value.value)

    if isinstance(data, dict):
        for key, value in data.items():
            if key != "name":
                visit(value)
    else:
        visit(data)
    return [found[name] for name in sorted(found)]
