"""Top-level networks, volumes, secrets, configs and models in canonical form."""

from __future__ import annotations

from typing import Any

from composer.loader.canonical.kinds import (
    OMIT,
    Canon,
    Converter,
    flag,
    flag_kept,
    integer,
    mapping,
    struct,
    text,
    texts,
    truth,
)
from composer.loader.sources import Path, format_path


def _external(value: Any, at: Path, cv: Canon) -> Any:
    """`external`: true/false; the legacy mapping form means true (its name is moved out)."""
    if isinstance(value, dict):
        return True
    result = truth(value) if value is not None else None
    return OMIT if not result else True


def _legacy_external_name(value: dict[str, Any], at: Path, cv: Canon) -> dict[str, Any]:
    """`external: {name: x}` (deprecated) becomes `name: x, external: true`, with a warning."""
    external = value.get("external")
    if not isinstance(external, dict) or "name" not in external:
        return value
    cv.warnings.append(
        f"{format_path(at)}: external.name is deprecated. Please set name and external: true"
    )
    if value.get("name") and value["name"] != external["name"]:
        cv.fail((*at, "name"), "cannot use both external.name (deprecated) and name")
        return value
    return {**value, "name": external["name"]}


def _ipam_pool(value: Any, at: Path, cv: Canon) -> Any:
    return struct({"subnet": text, "gateway": text, "ip_range": text, "aux_addresses": mapping})(
        value, at, cv
    )


def _pools(value: Any, at: Path, cv: Canon) -> Any:
    if not isinstance(value, list):
        return OMIT if value is None else cv.fail(at, "must be a list")
    result = [_ipam_pool(item, (*at, index), cv) for index, item in enumerate(value)]
    return [item for item in result if item is not OMIT] or OMIT


_network = struct(
    {
        "name": text,
        "driver": text,
        "driver_opts": mapping,
        "ipam": struct({"driver": text, "config": _pools}),
        "external": _external,
        "internal": flag,
        "attachable": flag,
        "labels": mapping,
        "enable_ipv4": flag_kept,
        "enable_ipv6": flag_kept,
    },
    always={"ipam": dict},
)

_volume = struct(
    {
        "name": text,
        "driver": text,
        "driver_opts": mapping,
        "external": _external,
        "labels": mapping,
    }
)

_file_object = struct(
    {
        "name": text,
        "file": text,
        "environment": text,
        "content": text,
        "external": _external,
        "labels": mapping,
        "driver": text,
        "driver_opts": mapping,
        "template_driver": text,
    }
)

_model = struct({"name": text, "model": text, "context_size": integer, "runtime_flags": texts})


def _section(item: Converter) -> Converter:
    """A top-level section: each entry (null is an empty mapping) through `item`."""

    def convert(value: Any, at: Path, cv: Canon) -> Any:
        if value is None:
            return OMIT
        if not isinstance(value, dict):
            return cv.fail(at, "must be a mapping")
        result: dict[str, Any] = {}
        for key, entry in value.items():
            entry_at = (*at, key)
            entry = {} if entry is None else entry
            if isinstance(entry, dict):
                entry = _legacy_external_name(entry, entry_at, cv)
            converted = item(entry, entry_at, cv)
            if converted is OMIT:
                continue
            result[key] = converted
        return result

    return convert


RESOURCE_SECTIONS: dict[str, Converter] = {
    "networks": _section(_network),
    "volumes": _section(_volume),
    "secrets": _section(_file_object),
    "configs": _section(_file_object),
    "models": _section(_model),
}
