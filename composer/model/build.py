"""How a service's image is built (`build`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from composer.model.parts import ExtraHost, ServiceSecret, Ulimit


@dataclass(frozen=True, slots=True)
class Build:
    """`build` in long syntax; `context` is absolute (or a URL) after loading."""

    context: str = "."
    dockerfile: str | None = None
    dockerfile_inline: str | None = None
    args: Mapping[str, str | None] = field(default_factory=dict)
    target: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    ssh: tuple[str, ...] = ()
    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    additional_contexts: Mapping[str, str] = field(default_factory=dict)
    network: str | None = None
    secrets: tuple[ServiceSecret, ...] = ()
    tags: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    extra_hosts: tuple[ExtraHost, ...] = ()
    isolation: str | None = None
    no_cache: bool = False
    pull: bool = False
    privileged: bool = False
    shm_size: int | None = None
    ulimits: Mapping[str, Ulimit] = field(default_factory=dict)
    entitlements: tuple[str, ...] = ()
    provenance: str | bool | None = None
    sbom: str | bool | None = None
