"""Top-level resources: networks, volumes, secrets and configs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class IpamPool:
    """One `ipam.config` entry."""

    subnet: str | None = None
    ip_range: str | None = None
    gateway: str | None = None
    aux_addresses: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ipam:
    """A network's address management."""

    driver: str | None = None
    config: tuple[IpamPool, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Network:
    """A top-level network; `key` is its name in the file, `name` the real one."""

    key: str
    name: str
    driver: str | None = None
    driver_opts: Mapping[str, str] = field(default_factory=dict)
    external: bool = False
    internal: bool = False
    attachable: bool = False
    enable_ipv4: bool | None = None
    enable_ipv6: bool | None = None
    ipam: Ipam | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Volume:
    """A top-level named volume; `key` is its name in the file, `name` the real one."""

    key: str
    name: str
    driver: str | None = None
    driver_opts: Mapping[str, str] = field(default_factory=dict)
    external: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FileObject:
    """What secrets and configs share: content from a file, a variable, inline text, or external.

    `key` is its name in the file, `name` the real one.
    """

    key: str
    name: str
    file: str | None = None
    environment: str | None = None
    content: str | None = None
    external: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    template_driver: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Secret(FileObject):
    """A top-level secret: from a file, an environment variable, or external."""

    driver: str | None = None
    driver_opts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Config(FileObject):
    """A top-level config: from a file, an environment variable, inline content, or external."""
