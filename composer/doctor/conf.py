"""containers.conf and registries.conf as Podman reads them: which files, in which order."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import Any

from composer.doctor.host import Host, Identity

SYSTEM_CONTAINERS_CONF = (
    "/usr/share/containers/containers.conf",
    "/etc/containers/containers.conf",
)
SYSTEM_CONTAINERS_DROPINS = "/etc/containers/containers.conf.d"
SYSTEM_REGISTRIES_CONF = "/etc/containers/registries.conf"
SYSTEM_REGISTRIES_DROPINS = "/etc/containers/registries.conf.d"


@dataclass
class ConfLayers:
    """Settings of several TOML files read in order; a later file's value wins per key."""

    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict[tuple[str, str], tuple[Any, str]] = field(default_factory=dict)
    override: str | None = None

    def get(self, table: str, key: str) -> Any:
        found = self.values.get((table, key))
        return None if found is None else found[0]

    def origin(self, table: str, key: str) -> str | None:
        found = self.values.get((table, key))
        return None if found is None else found[1]


def config_home(host: Host, who: Identity) -> str:
    return host.environ.get("XDG_CONFIG_HOME") or f"{who.home}/.config"


def dropin_dir(host: Host, who: Identity) -> str:
    """Where doctor writes its containers.conf drop-ins: the user's for rootless, /etc for root."""
    if who.is_root:
        return SYSTEM_CONTAINERS_DROPINS
    return f"{config_home(host, who)}/containers/containers.conf.d"


def dropins(host: Host, directory: str) -> list[str]:
    return [f"{directory}/{name}" for name in host.listdir(directory) if name.endswith(".conf")]


def containers_conf_files(host: Host, who: Identity) -> list[str]:
    """The containers.conf files Podman 4.3 loads: CONTAINERS_CONF alone replaces all others."""
    override = host.environ.get("CONTAINERS_CONF")
    if override:
        return [override]
    files = [*SYSTEM_CONTAINERS_CONF, *dropins(host, SYSTEM_CONTAINERS_DROPINS)]
    if not who.is_root:
        user = f"{config_home(host, who)}/containers/containers.conf"
        files += [user, *dropins(host, f"{user}.d")]
    return files


def read_layers(host: Host, paths: list[str]) -> tuple[ConfLayers, list[dict[str, Any]]]:
    """Read the files that exist; also return each file's whole document, in order."""
    layers = ConfLayers()
    documents = []
    for path in paths:
        text = host.read_text(path)
        if text is None:
            continue
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            layers.errors.append(f"{path}: {exc}")
            continue
        layers.files.append(path)
        documents.append(document)
        for table, body in document.items():
            if isinstance(body, dict):
                for key, value in body.items():
                    layers.values[(table, key)] = (value, path)
    return layers, documents


def load_containers_conf(host: Host, who: Identity) -> ConfLayers:
    layers, _ = read_layers(host, containers_conf_files(host, who))
    layers.override = host.environ.get("CONTAINERS_CONF") or None
    return layers


@dataclass
class Registries:
    """What registries.conf says about resolving and pulling images."""

    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)
    search_origin: str | None = None
    insecure: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)


def registries_conf_files(host: Host, who: Identity) -> list[str]:
    """The main file (CONTAINERS_REGISTRIES_CONF, the user's, else /etc), then the drop-ins."""
    user_dir = f"{config_home(host, who)}/containers"
    main = host.environ.get("CONTAINERS_REGISTRIES_CONF") or ""
    if not main:
        user_file = f"{user_dir}/registries.conf"
        main = user_file if host.read_text(user_file) is not None else SYSTEM_REGISTRIES_CONF
    user_dropins = dropins(host, f"{user_dir}/registries.conf.d")
    return [main, *dropins(host, SYSTEM_REGISTRIES_DROPINS), *user_dropins]


def load_registries(host: Host, who: Identity) -> Registries:
    layers, documents = read_layers(host, registries_conf_files(host, who))
    found = Registries(files=layers.files, errors=layers.errors)
    for path, document in zip(layers.files, documents, strict=True):
        _merge_registries(found, path, document)
    return found


def _merge_registries(found: Registries, path: str, document: dict[str, Any]) -> None:
    search = document.get("unqualified-search-registries")
    legacy = document.get("registries", {})
    if search is None and isinstance(legacy, dict):
        # The version 1 format: [registries.search] registries = [...].
        search = legacy.get("search", {}).get("registries")
        found.insecure += [str(item) for item in legacy.get("insecure", {}).get("registries", [])]
    if isinstance(search, list):
        found.search = [str(item) for item in search]
        found.search_origin = path
    for entry in document.get("registry", []):
        if isinstance(entry, dict) and entry.get("insecure") is True:
            found.insecure.append(str(entry.get("location") or entry.get("prefix") or ""))
    aliases = document.get("aliases", {})
    if isinstance(aliases, dict):
        found.aliases.update({str(key): str(value) for key, value in aliases.items()})
