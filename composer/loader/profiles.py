"""Stage: keep the services whose profiles are active (STUB)."""

from __future__ import annotations

from typing import Any


def apply_profiles(
    data: dict[str, Any], active: tuple[str, ...], services: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    return data, {}
