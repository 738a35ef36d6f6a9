"""Service attributes with a short syntax of their own: depends_on, networks, secrets, ..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from composer.loader.canonical.kinds import (
    OMIT,
    Canon,
    file_mode,
    integer,
    mapping,
    scalar_text,
    struct,
    text,
    texts,
    truth,
)
from composer.loader.canonical.unique import dedupe
from composer.loader.sources import Key, Path


def _listed(value: Any, at: Path, cv: Canon) -> list[Any] | None:
    if not isinstance(value, list):
        cv.fail(at, "must be a list")
        return None
    return value


def _unique(at: Path, cv: Canon, entries: Sequence[tuple[Key, Any]], key: Any) -> Any:
    """Dedupe converted entries by `key`, keep the source map in step; empty is left out."""
    result, origins = dedupe(entries, key)
    cv.moved(at, origins)
    return result or OMIT


def depends_on(value: Any, at: Path, cv: Canon) -> Any:
    """`depends_on`: a list of names becomes `{name: {condition: service_started, ...}}`."""
    if value is None:
        return OMIT
    if isinstance(value, list):
        cv.moved(at, {scalar_text(name): index for index, name in enumerate(value)})
        value = {scalar_text(name): None for name in value}
    if not isinstance(value, dict):
        return cv.fail(at, "must be a mapping or a list")
    result: dict[str, Any] = {}
    for name, spec in sorted(value.items()):
        spec = spec if isinstance(spec, dict) else {}
        entry: dict[str, Any] = {"condition": scalar_text(spec.get("condition") or "")}
        entry["condition"] = entry["condition"] or "service_started"
        if truth(spec.get("restart")):
            entry["restart"] = True
        required = spec.get("required")
        entry["required"] = True if required is None else bool(truth(required))
        entry.update({k: v for k, v in spec.items() if str(k).startswith("x-")})
        result[name] = entry
    return result or OMIT


_attachment = struct(
    {
        "aliases": texts,
        "driver_opts": mapping,
        "gw_priority": integer,
        "interface_name": text,
        "ipv4_address": text,
        "ipv6_address": text,
        "link_local_ips": texts,
        "mac_address": text,
        "priority": integer,
    }
)


def service_networks(value: Any, at: Path, cv: Canon) -> Any:
    """`networks` of a service: a list of names becomes `{name: null}`."""
    if value is None:
        return OMIT
    if isinstance(value, list):
        cv.moved(at, {scalar_text(name): index for index, name in enumerate(value)})
        return {scalar_text(name): None for name in sorted(value, key=scalar_text)} or OMIT
    if not isinstance(value, dict):
        return cv.fail(at, "must be a mapping or a list")
    result: dict[str, Any] = {}
    for name, spec in sorted(value.items()):
        result[name] = None if spec is None else _attachment(spec, (*at, name), cv)
    return result or OMIT


def service_models(value: Any, at: Path, cv: Canon) -> Any:
    """`models` of a service: a list of names becomes `{name: null}`."""
    if isinstance(value, list):
        cv.moved(at, {scalar_text(name): index for index, name in enumerate(value)})
        return {scalar_text(name): None for name in sorted(value, key=scalar_text)} or OMIT
    if not isinstance(value, dict):
        return OMIT if value is None else cv.fail(at, "must be a mapping or a list")
    model = struct({"endpoint_var": text, "model_var": text})
    return {
        name: None if spec is None else model(spec, (*at, name), cv)
        for name, spec in sorted(value.items())
    } or OMIT


_file_ref = struct(
    {"source": text, "target": text, "uid": text, "gid": text, "mode": file_mode},
    scalar=lambda name: {"source": name},
)


def file_refs(default_dir: str | None) -> Any:
    """`secrets` / `configs` of a service; secrets get their default target here.

    `default_dir` is where an unnamed target goes (`/run/secrets`), or None to leave the
    target out (configs: the runtime mounts them at `/<source>`).
    """

    def convert(value: Any, at: Path, cv: Canon) -> Any:
        if value is None:
            return OMIT
        items = _listed(value, at, cv)
        if items is None:
            return OMIT
        entries: list[tuple[Key, Any]] = []
        for index, item in enumerate(items):
            ref = _file_ref(item, (*at, index), cv)
            if ref is OMIT:
                continue
            if default_dir is not None and "target" not in ref:
                ref = _with_target(ref, f"{default_dir}/{ref.get('source', '')}")
            entries.append((index, ref))
        return _unique(at, cv, entries, lambda ref: ref_target(ref, default_dir or ""))

    return convert


def _with_target(ref: dict[str, Any], target: str) -> dict[str, Any]:
    result = {"source": ref["source"]} if "source" in ref else {}
    result["target"] = target
    result.update({k: v for k, v in ref.items() if k != "source"})
    return result


def ref_target(ref: dict[str, Any], default_dir: str) -> str:
    """Where a secret or config is mounted: its target, else `<default_dir>/<source>`."""
    return str(ref.get("target") or f"{default_dir}/{ref.get('source', '')}")


def _device(value: Any, at: Path, cv: Canon) -> Any:
    """One device: `host[:container[:permissions]]` or the long form."""
    if isinstance(value, dict):
        return struct({"source": text, "target": text, "permissions": text})(value, at, cv)
    parts = scalar_text(value).split(":")
    if len(parts) > 3:
        return cv.fail(at, f"confusing device mapping, please use long syntax: {value}")
    source = parts[0]
    target = parts[1] if len(parts) > 1 else source
    permissions = parts[2] if len(parts) > 2 else "rwm"
    return {"source": source, "target": target, "permissions": permissions}


def devices(value: Any, at: Path, cv: Canon) -> Any:
    """`devices`: every item in long syntax, one per target."""
    items = None if value is None else _listed(value, at, cv)
    if not items:
        return OMIT
    entries = [(index, _device(item, (*at, index), cv)) for index, item in enumerate(items)]
    entries = [(index, entry) for index, entry in entries if entry is not OMIT]
    return _unique(at, cv, entries, lambda entry: str(entry.get("target", "")))


def expose(value: Any, at: Path, cv: Canon) -> Any:
    """`expose`: strings, each once."""
    items = texts(value, at, cv)
    if items is OMIT:
        return OMIT
    return _unique(at, cv, list(enumerate(items)), str)


def env_files(value: Any, at: Path, cv: Canon) -> Any:
    """`env_file`: a path or list of paths becomes `[{path, required: true}]`, one per path."""
    if value is None:
        return OMIT
    items = value if isinstance(value, list) else [value]
    entries: list[tuple[Key, Any]] = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            required = item.get("required")
            entry: dict[str, Any] = {"path": scalar_text(item.get("path", ""))}
            entry["required"] = True if required is None else bool(truth(required))
            if item.get("format"):
                entry["format"] = scalar_text(item["format"])
        else:
            entry = {"path": scalar_text(item), "required": True}
        entries.append((index, entry))
    return _unique(at, cv, entries, lambda entry: entry["path"])


def _host_entries(value: Any) -> list[tuple[str, str | None]]:
    """(host, address) pairs of `extra_hosts` in any of its forms."""
    if isinstance(value, dict):
        pairs: list[tuple[str, str | None]] = []
        for host, address in value.items():
            for item in address if isinstance(address, list) else [address]:
                pairs.append((str(host), None if item is None else scalar_text(item)))
        return pairs
    result: list[tuple[str, str | None]] = []
    for entry in value if isinstance(value, list) else [value]:
        entry_text = scalar_text(entry)
        separator = "=" if "=" in entry_text else ":"
        host, found, address = entry_text.partition(separator)
        result.append((host, address if found else None))
    return result


def extra_hosts(value: Any, at: Path, cv: Canon) -> Any:
    """`extra_hosts`: sorted `host=address` strings, IPv6 brackets dropped."""
    if value is None:
        return OMIT
    result = []
    for host, address in _host_entries(value):
        if not address:
            cv.fail(at, f"invalid additional host, missing IP: {host}")
            continue
        if address.startswith("[") and address.endswith("]"):
            address = address[1:-1]
        result.append(f"{host}={address}")
    return sorted(result) or OMIT


def ulimits(value: Any, at: Path, cv: Canon) -> Any:
    """`ulimits`: a number stays a number; a mapping keeps `soft` and `hard`."""
    if not isinstance(value, dict):
        return OMIT if value is None else cv.fail(at, "must be a mapping")
    result: dict[str, Any] = {}
    for name, limit in sorted(value.items()):
        if isinstance(limit, dict):
            result[name] = struct({"soft": integer, "hard": integer})(limit, (*at, name), cv)
        else:
            single = integer(limit, (*at, name), cv)
            result[name] = {} if single is OMIT else single
    return result or OMIT


def device_count(value: Any, at: Path, cv: Canon) -> Any:
    """A device request's `count`: a number, or `all` (-1)."""
    if isinstance(value, str) and value.lower() == "all":
        return -1
    return integer(value, at, cv)


_device_request = struct(
    {
        "capabilities": texts,
        "driver": text,
        "count": device_count,
        "device_ids": texts,
        "options": mapping,
    }
)


def device_request(value: Any, at: Path, cv: Canon) -> Any:
    """A GPU or device request; with neither `count` nor `device_ids` it means all (-1)."""
    result = _device_request(value, at, cv)
    if result is OMIT or "count" in result or "device_ids" in result:
        return result
    ordered = {k: result[k] for k in ("capabilities", "driver") if k in result}
    ordered["count"] = -1
    ordered.update({k: v for k, v in result.items() if k not in ordered})
    return ordered


def device_requests(value: Any, at: Path, cv: Canon) -> Any:
    """`gpus` and `deploy...devices`: `gpus: all` is one request for every device."""
    if value is None:
        return OMIT
    if isinstance(value, str):
        return [{"count": -1}] if value.lower() == "all" else cv.fail(at, "must be a list")
    items = _listed(value, at, cv)
    if not items:
        return OMIT
    result = [device_request(item, (*at, index), cv) for index, item in enumerate(items)]
    return [entry for entry in result if entry is not OMIT] or OMIT


def ssh_keys(value: Any, at: Path, cv: Canon) -> Any:
    """`build.ssh`: `id` or `id=path` strings, from a list or a mapping."""
    if value is None:
        return OMIT
    if isinstance(value, dict):
        return [k if v is None else f"{k}={scalar_text(v)}" for k, v in value.items()] or OMIT
    return texts(value, at, cv)
