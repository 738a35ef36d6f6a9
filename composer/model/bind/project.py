"""Bind the canonical data of a LoadedProject to the frozen model (model.Project)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from composer.errors import ConfigError
from composer.hashing import config_hash
from composer.loader.sources import Path, SourceMap
from composer.model.bind.service import bind_service
from composer.model.bind.values import (
    Reader,
    extensions,
    flag,
    opt_flag,
    opt_text,
    text,
    text_map,
)
from composer.model.project import Project
from composer.model.resources import Config, Ipam, IpamPool, Network, Secret, Volume
from composer.model.service import Service

if TYPE_CHECKING:
    from composer.loader.pipeline import LoadedProject

ResourceT = TypeVar("ResourceT", Network, Volume, Secret, Config)


def bind_project(loaded: LoadedProject) -> Project:
    """The Project for `loaded.data`; a ConfigError lists every value that does not fit."""
    data = loaded.data
    reader = Reader(loaded.sources)
    services = _services(data.get("services"), reader)
    project = Project(
        name=loaded.name,
        working_dir=loaded.working_dir,
        services=services,
        networks=_resources(data, "networks", loaded.name, reader, Network),
        volumes=_resources(data, "volumes", loaded.name, reader, Volume),
        secrets=_resources(data, "secrets", loaded.name, reader, Secret),
        configs=_resources(data, "configs", loaded.name, reader, Config),
        extensions=extensions(data),
        environment=dict(loaded.environment),
        files=tuple(loaded.files),
        # Problems in a service switched off by profiles must not stop the command.
        disabled=_services(loaded.disabled_services, Reader(SourceMap())),
    )
    if reader.problems:
        # In file order, the way a user reads them, whatever order binding found them in.
        raise ConfigError(sorted(reader.problems, key=lambda p: (p.file or "", p.line or 0)))
    return project


def _services(value: Any, reader: Reader) -> dict[str, Service]:
    result = {}
    for name, data in (reader.mapping(value, ("services",)) or {}).items():
        path: Path = ("services", name)
        service = reader.mapping(data, path)
        if service is None:
            continue
        result[name] = bind_service(name, service, path, reader, config_hash(service))
    return result


def _resources(
    data: dict[str, Any], section: str, project: str, reader: Reader, kind: type[ResourceT]
) -> dict[str, ResourceT]:
    """A top-level section; an entry with no `name` gets `<project>_<key>` (external: `<key>`)."""
    result = {}
    for key, value in (reader.mapping(data.get(section), (section,)) or {}).items():
        path: Path = (section, key)
        entry = reader.mapping(value, path) or {}
        default = key if flag(entry.get("external")) else f"{project}_{key}"
        name = text(entry.get("name") or default)
        result[key] = _resource(kind, key, name, entry, path, reader)
    return result


def _resource(
    kind: type[ResourceT], key: str, name: str, data: dict[str, Any], path: Path, reader: Reader
) -> ResourceT:
    """One network, volume, secret or config: each of its fields read as `_FIELDS` says."""
    values = {
        field.name: read(data.get(field.name))
        for field in fields(kind)
        if (read := _FIELDS.get(field.name)) is not None
    }
    if kind is Network:
        values["ipam"] = _ipam(data.get("ipam"), (*path, "ipam"), reader)
    return kind(key=key, name=name, extensions=extensions(data), **values)


def _ipam(value: Any, path: Path, reader: Reader) -> Ipam | None:
    data = reader.mapping(value, path)
    if data is None:
        return None
    pools = tuple(
        IpamPool(
            subnet=opt_text(pool.get("subnet")),
            ip_range=opt_text(pool.get("ip_range")),
            gateway=opt_text(pool.get("gateway")),
            aux_addresses=text_map(pool.get("aux_addresses")),
        )
        for _, pool in reader.entries(data.get("config"), (*path, "config"))
    )
    return Ipam(
        driver=opt_text(data.get("driver")), config=pools, options=text_map(data.get("options"))
    )


def _content(value: Any) -> str | None:
    """Inline content: an empty string is still content (an empty file)."""
    return None if value is None else text(value)


# How each plain field of a top-level resource is read from its canonical mapping (`key`, `name`,
# `extensions` and a network's `ipam` are filled in by _resource).
_FIELDS: dict[str, Callable[[Any], Any]] = {
    "driver": opt_text,
    "driver_opts": text_map,
    "external": flag,
    "internal": flag,
    "attachable": flag,
    "enable_ipv4": opt_flag,
    "enable_ipv6": opt_flag,
    "labels": text_map,
    "file": opt_text,
    "environment": opt_text,
    "content": _content,
    "template_driver": opt_text,
}
