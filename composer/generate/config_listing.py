"""The one-per-line listings of `composer config` (--services, --images, --variables...).

Each function takes the canonical project data and returns the text to print. Where docker
compose prints in Go map order (random from one run to the next), composer prints sorted.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from composer.generate.goyaml import Writer
from composer.hashing import config_hash
from composer.plan.names import built_image_name


class VariableLike(Protocol):
    """A variable of `config --variables` (composer.loader.interpolation.template.Variable)."""

    @property
    def name(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def default(self) -> str: ...
    @property
    def alternate(self) -> str: ...


def _lines(items: Iterable[str]) -> str:
    return "".join(f"{item}\n" for item in items)


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    return value if isinstance(value, Mapping) else {}


def services_in_dependency_order(data: Mapping[str, Any]) -> list[str]:
    """Service names, each after the services it depends on; ties in name order."""
    services = _section(data, "services")
    waiting: dict[str, set[str]] = {}
    dependents: dict[str, list[str]] = {name: [] for name in services}
    for name, service in services.items():
        depends = service.get("depends_on") if isinstance(service, Mapping) else None
        needs = {dep for dep in (depends or {}) if dep in services and dep != name}
        waiting[name] = needs
        for dep in needs:
            dependents[dep].append(name)
    ready = [name for name, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        for dependent in dependents[name]:
            waiting[dependent].discard(name)
            if not waiting[dependent]:
                heapq.heappush(ready, dependent)
    # a cycle is the consistency stage's error; list what is left rather than lose it
    order.extend(sorted(name for name in services if name not in set(order)))
    return order


def services_text(data: Mapping[str, Any]) -> str:
    return _lines(services_in_dependency_order(data))


def names_text(data: Mapping[str, Any], section: str) -> str:
    """`--volumes`, `--networks`, `--models`: the keys of a top-level section, sorted."""
    return _lines(sorted(_section(data, section)))


def images_text(data: Mapping[str, Any], project: str) -> str:
    """Each service's image, or the name `build` gives it: `<project>-<service>`."""
    services = _section(data, "services")
    images = []
    for name in sorted(services):
        service = services[name] if isinstance(services[name], Mapping) else {}
        image = service.get("image")
        images.append(str(image) if image else built_image_name(project, name))
    return _lines(images)


def profiles_text(services: Iterable[Mapping[str, Any]]) -> str:
    """Every profile named by a service, enabled or not, sorted."""
    found: set[str] = set()
    for service in services:
        profiles = service.get("profiles") if isinstance(service, Mapping) else None
        found.update(str(p) for p in profiles or ())
    return _lines(sorted(found))


def hash_text(services: Mapping[str, Any], names: Sequence[str]) -> str:
    """`name hash` lines, sorted by name; `names` are known services."""
    return "".join(f"{name} {config_hash(services[name])}\n" for name in sorted(names))


def environment_text(environment: Mapping[str, str]) -> str:
    """`--environment`: the interpolation environment as sorted KEY=VALUE lines."""
    return _lines(f"{key}={environment[key]}" for key in sorted(environment))


_VARIABLE_HEADERS = ("NAME", "REQUIRED", "DEFAULT VALUE", "ALTERNATE VALUE")


def variables_text(variables: Sequence[VariableLike], fmt: str | None) -> str:
    """`--variables` as a table (default), JSON or YAML, in docker compose's layouts."""
    if fmt == "json":
        return json.dumps(_variable_records(variables), indent=4, ensure_ascii=False) + "\n\n"
    if fmt == "yaml":
        records = {
            name: {key.lower(): value for key, value in record.items()}
            for name, record in _variable_records(variables).items()
        }
        return _yaml_with_indent(records, 4)
    rows = [_VARIABLE_HEADERS] + [
        (v.name, "true" if v.required else "false", v.default, v.alternate) for v in variables
    ]
    return _table(rows)


def _variable_records(variables: Sequence[VariableLike]) -> dict[str, dict[str, Any]]:
    return {
        v.name: {
            "Name": v.name,
            "DefaultValue": v.default,
            "PresenceValue": v.alternate,
            "Required": v.required,
        }
        for v in sorted(variables, key=lambda v: v.name)
    }


def _table(rows: Sequence[Sequence[str]]) -> str:
    """docker's table writer: columns at least 20 wide with 3 spaces of padding; last unpadded."""
    widths = [max(20, max(len(row[col]) for row in rows) + 3) for col in range(len(rows[0]) - 1)]
    out = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.append("".join(cells) + row[-1] + "\n")
    return "".join(out)


def _yaml_with_indent(data: dict[str, Any], indent: int) -> str:
    # go-yaml's default indent is 4; re-indent our 2-space rendering (no block strings here)
    text = Writer().render(data)
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(stripped)) // 2 * indent) + stripped)
    return "\n".join(lines) + "\n"
