"""Markers for the `!reset` and `!override` YAML tags, carried through the stages until merge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reset:
    """`!reset value`: drop the attribute from everything merged before this file."""

    value: Any = None


@dataclass(frozen=True)
class Override:
    """`!override value`: replace the attribute instead of merging it."""

    value: Any = None


def strip_tags(data: Any) -> Any:
    """Replace every marker by its value, recursively (for data that is not merged)."""
    if isinstance(data, Override):
        return strip_tags(data.value)
    if isinstance(data, Reset):
        return None
    if isinstance(data, dict):
        return {k: strip_tags(v) for k, v in data.items() if not isinstance(v, Reset)}
    if isinstance(data, list):
        return [strip_tags(v) for v in data if not isinstance(v, Reset)]
    return data
