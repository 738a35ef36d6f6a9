"""Bind the canonical data of a LoadedProject to the frozen model (model.Project)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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


def bind_project(loaded: LoadedProject) -> Project:
    """The Project for `loaded.data`; a ConfigError lists every value that does not fit."""
    data = loaded.data
    reader = Reader(loaded.sources)
    services = _services(data.get("services"), reader)
    project = Project(
        name=loaded.name,
        working_dir=loaded.working_dir,
        services=services,
        networks=_resources(data, "networks", loaded.name, reader, _network),
        volumes=_resources(data, "volumes", loaded.name, reader, _volume),
        secrets=_resources(data, "secrets", loaded.name, reader, _secret),
        configs=_resources(data, "configs", loaded.name, reader, _config),
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
    data: dict[str, Any],
    section: str,
    project: str,
    reader: Reader,
    make: Callable[[str, str, dict[str, Any], Path, Reader], Any],
) -> dict[str, Any]:
    """A top-level section; an entry with no `name` gets `<project>_<key>` (external: `<key>`)."""
    result = {}
    for key, value in (reader.mapping(data.get(section), (section,)) or {}).items():
        path: Path = (section, key)
        entry = reader.mapping(value, path) or {}
        default = key if flag(entry.get("external")) else f"{project}_{key}"
        result[key] = make(key, text(entry.get("name") or default), entry, path, reader)
    return result


def _network(key: str, name: str, data: dict[str, Any], path: Path, reader: Reader) -> Network:
    return Network(
        key=key,
        name=name,
        driver=opt_text(data.get("driver")),
        driver_opts=text_map(data.get("driver_opts")),
        external=flag(data.get("external")),
        internal=flag(data.get("internal")),
        attachable=flag(data.get("attachable")),
        enable_ipv4=opt_flag(data.get("enable_ipv4")),
        enable_ipv6=opt_flag(data.get("enable_ipv6")),
        ipam=_ipam(data.get("ipam"), (*path, "ipam"), reader),
        labels=text_map(data.get("labels")),
        extensions=extensions(data),
    )


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


def _volume(key: str, name: str, data: dict[str, Any], path: Path, reader: Reader) -> Volume:
    return Volume(
        key=key,
        name=name,
        driver=opt_text(data.get("driver")),
        driver_opts=text_map(data.get("driver_opts")),
        external=flag(data.get("external")),
        labels=text_map(data.get("labels")),
        extensions=extensions(data),
    )


def _secret(key: str, name: str, data: dict[str, Any], path: Path, reader: Reader) -> Secret:
    return Secret(
        key=key,
        name=name,
        file=opt_text(data.get("file")),
        environment=opt_text(data.get("environment")),
        content=_content(data.get("content")),
        external=flag(data.get("external")),
        labels=text_map(data.get("labels")),
        driver=opt_text(data.get("driver")),
        driver_opts=text_map(data.get("driver_opts")),
        template_driver=opt_text(data.get("template_driver")),
        extensions=extensions(data),
    )


def _config(key: str, name: str, data: dict[str, Any], path: Path, reader: Reader) -> Config:
    return Config(
        key=key,
        name=name,
        file=opt_text(data.get("file")),
        environment=opt_text(data.get("environment")),
        content=_content(data.get("content")),
        external=flag(data.get("external")),
        labels=text_map(data.get("labels")),
        template_driver=opt_text(data.get("template_driver")),
        extensions=extensions(data),
    )


def _content(value: Any) -> str | None:
    """Inline content: an empty string is still content (an empty file)."""
    return None if value is None else text(value)
