"""Service `volumes`: short syntax (`src:dst:opts`) to long, bind vs named vs anonymous."""

from __future__ import annotations

from typing import Any

from composer.loader.canonical.kinds import (
    OMIT,
    Canon,
    byte_size,
    flag,
    integer,
    mapping,
    scalar_text,
    struct,
    text,
)
from composer.loader.canonical.unique import unique_entries
from composer.loader.sources import Path

_PROPAGATIONS = ("rprivate", "private", "rshared", "shared", "rslave", "slave")
_SELINUX = ("z", "Z")


class VolumeError(ValueError):
    """A short-syntax volume that does not parse; the message says why."""


def clean_path(path: str) -> str:
    """Go's path.Clean: drop `.`, empty and trailing parts, resolve `..` lexically."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


def is_host_path(source: str) -> bool:
    """A short-syntax source naming a host path (bind), not a volume name."""
    if not source:
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) > 1 and source[0].isalpha() and source[1] == ":"


def _sections(spec: str) -> list[str]:
    """Split on `:`, keeping a Windows drive letter (`c:`) with its path."""
    sections: list[str] = []
    buffer = ""
    for char in spec:
        if char == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += char
        elif char == ":":
            sections.append(buffer)
            buffer = ""
        else:
            buffer += char
    sections.append(buffer)
    for index, section in enumerate(sections):
        if not section:
            raise VolumeError("empty section between colons")
        if index == 2 and len(sections) > 3:
            raise VolumeError("too many colons")
    return sections


def _apply_options(volume: dict[str, Any], options: str) -> None:
    """Short-syntax options: ro/rw, nocopy, SELinux labels, propagation; others are ignored."""
    for option in options.split(","):
        if option in ("ro", "rw"):
            volume["read_only"] = option == "ro"
        elif option == "nocopy":
            volume["volume"] = {"nocopy": True}
        elif option in _SELINUX:
            volume.setdefault("bind", {})["selinux"] = option
        elif option in _PROPAGATIONS:
            volume.setdefault("bind", {})["propagation"] = option


def parse_volume_spec(spec: str) -> dict[str, Any]:
    """One short-syntax volume in long syntax (source still relative; paths come later)."""
    if not spec:
        raise VolumeError("invalid empty volume spec")
    if len(spec) <= 2:
        return {"type": "volume", "target": spec}
    sections = _sections(spec)
    parsed: dict[str, Any] = {}
    if len(sections) == 1:
        parsed["target"] = sections[0]
    else:
        parsed["source"], parsed["target"] = sections[0], sections[1]
    if len(sections) == 3:
        _apply_options(parsed, sections[2])
    return _typed(parsed)


def _typed(parsed: dict[str, Any]) -> dict[str, Any]:
    """Add the type (bind for host paths) and the options block each type carries."""
    source = parsed.get("source", "")
    kind = "bind" if is_host_path(source) else "volume"
    result: dict[str, Any] = {"type": kind}
    if source:
        result["source"] = source
    result["target"] = clean_path(parsed["target"])
    if parsed.get("read_only"):
        result["read_only"] = True
    bind = parsed.get("bind", {})
    if kind == "bind":
        bind["create_host_path"] = True
    if bind:
        result["bind"] = {
            k: bind[k] for k in ("selinux", "propagation", "create_host_path") if k in bind
        }
    if kind == "volume" or "volume" in parsed:
        result["volume"] = parsed.get("volume", {})
    return result


_bind_options = struct(
    {"selinux": text, "propagation": text, "create_host_path": flag, "recursive": text}
)
_volume_options = struct({"labels": mapping, "nocopy": flag, "subpath": text})
_tmpfs_options = struct({"size": byte_size, "mode": integer})
_image_options = struct({"subpath": text})
_long_volume = struct(
    {
        "type": text,
        "source": text,
        "target": text,
        "read_only": flag,
        "consistency": text,
        "bind": _bind_options,
        "volume": _volume_options,
        "tmpfs": _tmpfs_options,
        "image": _image_options,
    }
)


def long_volume(value: dict[str, Any], at: Path, cv: Canon) -> Any:
    """A long-syntax volume: known attributes only, target cleaned, sources checked."""
    result = _long_volume(value, at, cv)
    if result is OMIT:
        return OMIT
    kind = result.get("type", "volume")
    if kind == "bind" and "source" not in result:
        return cv.fail(at, 'invalid mount config for type "bind": field Source must not be empty')
    if "target" not in result:
        return cv.fail(at, "missing a mount target")
    result["target"] = clean_path(result["target"])
    return result


def _volume_entry(value: Any, at: Path, cv: Canon) -> Any:
    if isinstance(value, dict):
        return long_volume(value, at, cv)
    spec = "" if value is None else scalar_text(value)
    try:
        return parse_volume_spec(spec)
    except VolumeError as exc:
        return cv.fail(at, f'invalid volume "{spec}": {exc}')


def volumes(value: Any, at: Path, cv: Canon) -> Any:
    """`volumes`: every item in long syntax; one mount per target (the last one wins)."""
    return unique_entries(value, at, cv, _volume_entries, lambda entry: str(entry["target"]))


def _volume_entries(value: Any, at: Path, cv: Canon) -> list[Any]:
    entry = _volume_entry(value, at, cv)
    return [] if entry is OMIT else [entry]
