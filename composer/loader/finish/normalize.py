"""Stage: defaults, the default network, implicit dependencies, resource names, absolute paths.

Runs on canonical data (see loader/canonical/) and leaves it in the form `config` prints.
"""

from __future__ import annotations

from typing import Any

from composer.loader.canonical.service import SERVICE_ATTRIBUTES
from composer.loader.context import ConfigDocument, LoadContext
from composer.loader.paths import home_directory, resolve_paths

# Attributes naming another service as `service:<name>` (restart follows that service).
_NAMESPACES = ("network_mode", "ipc", "pid", "uts", "cgroup")
_SERVICE_PREFIX = "service:"
_PULL_POLICY_ALIASES = {"if_not_present": "missing"}
_NAMED_SECTIONS = ("networks", "volumes", "secrets", "configs")
_TOP_LEVEL_ORDER = ("name", "services", "networks", "volumes", "secrets", "configs", "models")


def normalize(doc: ConfigDocument, name: str, ctx: LoadContext) -> ConfigDocument:
    """Apply the reference's normalization to `doc.data`, with `name` as the project name.

    With `--no-normalize` only the name and the absolute paths are set, as the reference does.
    """
    data = doc.data
    if ctx.options.normalize:
        for service in (data.get("services") or {}).values():
            normalize_service(service)
        add_default_network(data, {"ipam": {}} if ctx.options.interpolate else {})
        name_resources(data, name)
    data["name"] = name
    if ctx.options.resolve_paths:
        data = resolve_paths(data, ctx.working_dir, home_directory(ctx.environment))
    doc.data = ordered_top_level(data)
    return doc


def normalize_service(service: dict[str, Any]) -> None:
    """Service defaults and implicit dependencies, in place; keys stay in printing order."""
    if not any(service.get(key) for key in ("networks", "network_mode", "provider")):
        service["networks"] = {"default": None}
    policy = service.get("pull_policy")
    if policy in _PULL_POLICY_ALIASES:
        service["pull_policy"] = _PULL_POLICY_ALIASES[policy]
    build = service.get("build")
    if isinstance(build, dict):
        service["build"] = _build_defaults(build)
    _add_implicit_dependencies(service)
    order_service(service)


def _build_defaults(build: dict[str, Any]) -> dict[str, Any]:
    """`context: .` and `dockerfile: Dockerfile` unless an inline Dockerfile is given."""
    result = {"context": build.get("context", ".")}
    if "dockerfile" not in build and not build.get("dockerfile_inline"):
        result["dockerfile"] = "Dockerfile"
    result.update(build)
    if result.get("dockerfile") == "":
        del result["dockerfile"]  # given empty: no default either (canonical kept it for this)
    return result


def implicit_dependencies(service: dict[str, Any]) -> list[tuple[str, bool]]:
    """(service, restart) pairs the service depends on without saying so in `depends_on`.

    `links` and `service:x` namespaces restart with their target; `volumes_from` does not.
    """
    found: list[tuple[str, bool]] = []
    for link in service.get("links") or ():
        found.append((str(link).split(":", 1)[0], True))
    for attribute in _NAMESPACES:
        value = service.get(attribute)
        if isinstance(value, str) and value.startswith(_SERVICE_PREFIX):
            found.append((value[len(_SERVICE_PREFIX) :], True))
    for source in service.get("volumes_from") or ():
        text = str(source)
        if not text.startswith("container:"):
            found.append((text.split(":", 1)[0], False))
    return found


def _add_implicit_dependencies(service: dict[str, Any]) -> None:
    dependencies = dict(service.get("depends_on") or {})
    for target, restart in implicit_dependencies(service):
        if target in dependencies:
            continue
        entry: dict[str, Any] = {"condition": "service_started"}
        if restart:
            entry["restart"] = True
        entry["required"] = True
        dependencies[target] = entry
    if dependencies:
        service["depends_on"] = dict(sorted(dependencies.items()))


def order_service(service: dict[str, Any]) -> None:
    """Put the service's keys in the reference's order, in place; `x-*` keys go last."""
    ordered = {key: service[key] for key in SERVICE_ATTRIBUTES if key in service}
    ordered.update((key, value) for key, value in service.items() if key not in ordered)
    service.clear()
    service.update(ordered)


def add_default_network(data: dict[str, Any], declaration: dict[str, Any]) -> None:
    """Declare the implicit `default` network when a service is attached to it."""
    networks = data.get("networks") or {}
    if "default" in networks:
        return
    services = (data.get("services") or {}).values()
    if any("default" in (service.get("networks") or {}) for service in services):
        data["networks"] = {**networks, "default": declaration}


def resource_name(key: str, resource: dict[str, Any], project: str) -> str:
    """A resource's real name: explicit, else the key when external, else `<project>_<key>`."""
    if resource.get("name"):
        return str(resource["name"])
    return key if resource.get("external") else f"{project}_{key}"


def name_resources(data: dict[str, Any], project: str) -> None:
    """Give every network, volume, secret and config its `name` (printed first)."""
    for section in _NAMED_SECTIONS:
        resources = data.get(section)
        if not isinstance(resources, dict):
            continue
        for key, resource in list(resources.items()):
            resource = resource if isinstance(resource, dict) else {}
            named = {"name": resource_name(key, resource, project)}
            named.update((k, v) for k, v in resource.items() if k != "name")
            resources[key] = named


def ordered_top_level(data: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in the reference's order, then the rest (`x-*`) as they came."""
    result = {key: data[key] for key in _TOP_LEVEL_ORDER if key in data}
    result.update((key, value) for key, value in data.items() if key not in result)
    return result


def used_resources(data: dict[str, Any]) -> dict[str, set[str]]:
    """Per top-level section, the keys the services refer to."""
    used: dict[str, set[str]] = {section: set() for section in (*_NAMED_SECTIONS, "models")}
    for service in (data.get("services") or {}).values():
        used["networks"].update(service.get("networks") or ())
        used["models"].update(service.get("models") or ())
        for mount in service.get("volumes") or ():
            if mount.get("type") == "volume" and mount.get("source"):
                used["volumes"].add(mount["source"])
        build = service.get("build") or {}
        for kind in ("secrets", "configs"):
            refs = [*(service.get(kind) or ()), *(build.get(kind) or ())]
            used[kind].update(str(ref.get("source")) for ref in refs)
    return used


def drop_unused_resources(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out the networks, volumes, secrets, configs and models no service uses.

    docker compose does this for every command unless `--all-resources` is given; run it
    after profiles, so that a resource used only by a disabled service goes too.
    """
    used = used_resources(data)
    result = dict(data)
    for section, keys in used.items():
        resources = data.get(section)
        if isinstance(resources, dict):
            kept = {key: value for key, value in resources.items() if key in keys}
            if kept:
                result[section] = kept
            else:
                result.pop(section)
    return result
