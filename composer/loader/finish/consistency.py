"""Stage: cross-reference checks on the canonical data, every problem reported at once.

Wording follows docker compose (`service "a" refers to undefined network n`); each problem
also names the file, line and key path.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from composer.errors import ConfigError, Problem
from composer.graph import cycle_message, find_cycle
from composer.loader.canonical.units import UnitError, parse_bytes
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.sources import Path, format_path
from composer.references import (
    NAMESPACE_KEYS,
    link_service,
    namespace_service,
    volumes_from_service,
)

HEALTHCHECK_TESTS = ("CMD", "CMD-SHELL", "NONE")

# Settings that exist twice (a service key and its `deploy` form) and must agree.
_SAME_VALUE = (
    ("scale", ("deploy", "replicas"), float),
    ("cpus", ("deploy", "resources", "limits", "cpus"), float),
    ("mem_limit", ("deploy", "resources", "limits", "memory"), parse_bytes),
    ("mem_reservation", ("deploy", "resources", "reservations", "memory"), parse_bytes),
    ("pids_limit", ("deploy", "resources", "limits", "pids"), float),
)


def check(doc: ConfigDocument, disabled: dict[str, Any], ctx: LoadContext) -> None:
    """Raise a ConfigError listing every inconsistency of the project."""
    checker = _Checker(doc, disabled)
    checker.run()
    if checker.problems:
        hint = "; ".join(dict.fromkeys(checker.hints)) or None
        # In file order, the way a user reads them, whatever order the checks ran in.
        ordered = sorted(checker.problems, key=lambda p: (p.file or "", p.line or 0))
        raise ConfigError(ordered, hint)


@dataclass(frozen=True)
class _Reference:
    """Service `source` needs `target`, as written at `path`."""

    source: str
    target: str
    path: Path
    required: bool


@dataclass
class _Checker:
    doc: ConfigDocument
    disabled: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    services: dict[str, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        found = self.doc.data.get("services")
        found = found if isinstance(found, dict) else {}
        self.services = {name: svc for name, svc in found.items() if isinstance(svc, dict)}

    def declared(self, section: str) -> dict[str, Any]:
        found = self.doc.data.get(section)
        return found if isinstance(found, dict) else {}

    def fail(self, path: Path, message: str, shown: Path | None = None) -> None:
        """A problem located at `path`, shown as `shown` (default: `path` itself)."""
        loc = self.doc.sources.locate(path)
        shown_path = format_path(path if shown is None else shown)
        self.problems.append(
            Problem(loc.file if loc else None, loc.line if loc else None, shown_path, message)
        )

    def run(self) -> None:
        services = self.services
        for name in sorted(services):
            self.check_service(name, services[name])
        self.check_container_names(services)
        self.check_cycles(services)

    def check_service(self, name: str, svc: dict[str, Any]) -> None:
        path: Path = ("services", name)
        if not (svc.get("image") or svc.get("build") or svc.get("provider")):
            self.fail(path, f'service "{name}" has neither an image nor a build context specified')
        if svc.get("network_mode") and svc.get("networks"):
            self.fail(
                (*path, "network_mode"),
                f"service {name} declares mutually exclusive `network_mode` and `networks`",
            )
        self.check_declared(name, svc)
        self.check_references(name, svc)
        self.check_healthcheck(path, svc)
        self.check_same_values(path, svc)
        self.check_container_name_scale(path, svc)
        self.check_mount_targets(path, svc)

    def check_declared(self, name: str, svc: dict[str, Any]) -> None:
        """Networks, named volumes, secrets, configs and models must exist at the top level."""
        path: Path = ("services", name)
        # With network_mode the networks are already an error ("mutually exclusive").
        networks = None if svc.get("network_mode") else svc.get("networks")
        lookups = (
            ("networks", _keys(networks, (*path, "networks")), "network"),
            ("volumes", _named_volumes(svc.get("volumes"), (*path, "volumes")), "volume"),
            ("secrets", _sources(svc.get("secrets"), (*path, "secrets")), "secret"),
            ("configs", _sources(svc.get("configs"), (*path, "configs")), "config"),
            ("models", _keys(svc.get("models"), (*path, "models")), "model"),
        )
        for section, used, noun in lookups:
            declared = self.declared(section)
            for target, where in used:
                if target not in declared:
                    self.fail(where, f'service "{name}" refers to undefined {noun} {target}')
        build = svc.get("build")
        if isinstance(build, dict):
            build_path = (*path, "build", "secrets")
            for target, where in _sources(build.get("secrets"), build_path):
                if target not in self.declared("secrets"):
                    self.fail(where, f'service "{name}" refers to undefined build secret {target}')

    def check_references(self, name: str, svc: dict[str, Any]) -> None:
        """Every service this one needs must exist; a disabled one only if not required."""
        for ref in _references(name, svc):
            if ref.target in self.services:
                continue
            if ref.target in self.disabled and not ref.required:
                continue
            self.fail(ref.path, f'service "{name}" depends on undefined service "{ref.target}"')
            profiles = _profiles(self.disabled.get(ref.target))
            if profiles:
                self.hints.append(
                    f'service "{ref.target}" is disabled by its profiles: '
                    f"enable it with --profile {profiles[0]}"
                )

    def check_healthcheck(self, path: Path, svc: dict[str, Any]) -> None:
        healthcheck = svc.get("healthcheck")
        test = healthcheck.get("test") if isinstance(healthcheck, dict) else None
        if isinstance(test, list) and test and test[0] not in HEALTHCHECK_TESTS:
            self.fail(
                (*path, "healthcheck", "test"),
                'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
            )

    def check_same_values(self, path: Path, svc: dict[str, Any]) -> None:
        for key, deploy_path, parse in _SAME_VALUE:
            value, deployed = svc.get(key), _dig(svc, deploy_path)
            if value is None or deployed is None:
                continue
            try:
                same = parse(value) == parse(deployed)
            except (UnitError, ValueError, TypeError):
                same = value == deployed
            if not same:
                self.fail(
                    (*path, key),
                    f"can't set distinct values on '{key}' and '{'.'.join(deploy_path)}'",
                    shown=path,
                )

    def check_container_name_scale(self, path: Path, svc: dict[str, Any]) -> None:
        if not svc.get("container_name"):
            return
        for scale_path in (("scale",), ("deploy", "replicas")):
            scale = _dig(svc, scale_path)
            if scale is None:
                continue
            if isinstance(scale, int) and scale > 1:
                self.fail(
                    (*path, *scale_path),
                    f"can't set container_name and {'.'.join(scale_path)} "
                    "as container name must be unique",
                    shown=path,
                )
            return

    def check_mount_targets(self, path: Path, svc: dict[str, Any]) -> None:
        """No two mounts (tmpfs first, then volumes) may share a container path."""
        seen: dict[str, Path] = {}
        for where, target in _mount_targets(path, svc):
            clean = _clean_path(target)
            if clean in seen:
                self.fail(where, f"target {clean} already mounted as {format_path(seen[clean])}")
            else:
                seen[clean] = where

    def check_container_names(self, services: dict[str, dict[str, Any]]) -> None:
        owners: dict[str, str] = {}
        for name in sorted(services):
            container_name = services[name].get("container_name")
            if not container_name:
                continue
            owner = owners.setdefault(str(container_name), name)
            if owner != name:
                self.fail(
                    ("services", name, "container_name"),
                    f'container name "{container_name}" is already in use by service "{owner}"',
                )

    def check_cycles(self, services: dict[str, dict[str, Any]]) -> None:
        where: dict[tuple[str, str], Path] = {}
        needs: dict[str, list[str]] = {}
        for name, svc in services.items():
            refs = [ref for ref in _references(name, svc) if ref.target in services]
            needs[name] = [ref.target for ref in refs]
            where.update({(name, ref.target): ref.path for ref in refs})
        cycle = find_cycle(needs)
        if cycle is not None:
            self.fail(where[(cycle[0], cycle[1])], cycle_message(cycle))


def _references(name: str, svc: dict[str, Any]) -> list[_Reference]:
    """What `svc` needs, one entry per target: depends_on, links, volumes_from, `service:x`."""
    path: Path = ("services", name)
    found: dict[str, _Reference] = {}
    depends_on = svc.get("depends_on")
    if isinstance(depends_on, dict):
        for target, spec in depends_on.items():
            required = spec.get("required", True) if isinstance(spec, dict) else True
            found[target] = _Reference(name, target, (*path, "depends_on", target), required)
    implicit: list[tuple[str | None, Path]] = []
    if isinstance(depends_on, list):
        implicit += [(str(t), (*path, "depends_on", i)) for i, t in enumerate(depends_on)]
    implicit += [(link_service(str(v)), p) for v, p in _items(svc, path, "links")]
    implicit += [(volumes_from_service(str(v)), p) for v, p in _items(svc, path, "volumes_from")]
    for key in NAMESPACE_KEYS:
        value = svc.get(key)
        implicit.append(
            (namespace_service(value if isinstance(value, str) else None), (*path, key))
        )
    for target, where in implicit:
        if target and target not in found:
            found[target] = _Reference(name, target, where, True)
    return list(found.values())


def _items(svc: dict[str, Any], path: Path, key: str) -> Iterator[tuple[Any, Path]]:
    value = svc.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield item, (*path, key, index)


def _keys(value: Any, path: Path) -> list[tuple[str, Path]]:
    """Names used by a mapping (`networks: {a: ...}`) or a list (`networks: [a]`)."""
    if isinstance(value, dict):
        return [(str(key), (*path, key)) for key in value]
    if isinstance(value, list):
        return [(str(item), (*path, index)) for index, item in enumerate(value)]
    return []


def _sources(value: Any, path: Path) -> list[tuple[str, Path]]:
    """The `source` of each secret/config reference (`s` or `{source: s, ...}`)."""
    found = []
    for index, item in enumerate(value if isinstance(value, list) else ()):
        source = item.get("source") if isinstance(item, dict) else item
        if source:
            found.append((str(source), (*path, index)))
    return found


def _named_volumes(value: Any, path: Path) -> list[tuple[str, Path]]:
    found = []
    for index, item in enumerate(value if isinstance(value, list) else ()):
        if isinstance(item, dict) and item.get("type") == "volume" and item.get("source"):
            found.append((str(item["source"]), (*path, index)))
    return found


def _mount_targets(path: Path, svc: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    for item, where in _items(svc, path, "tmpfs"):
        yield where, str(item).split(":", 1)[0]
    for item, where in _items(svc, path, "volumes"):
        if isinstance(item, dict) and item.get("target"):
            yield where, str(item["target"])


def _clean_path(target: str) -> str:
    """Like Go's path.Clean: `/x/` and `/x/./` are `/x`, and so is `//x`."""
    clean = posixpath.normpath(target)
    return "/" + clean.lstrip("/") if clean.startswith("//") else clean


def _dig(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    value: Any = data
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _profiles(service: Any) -> list[str]:
    profiles = service.get("profiles") if isinstance(service, dict) else None
    return [str(p) for p in profiles] if isinstance(profiles, list) else []
