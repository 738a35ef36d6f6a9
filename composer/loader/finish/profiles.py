"""Stage: keep the services whose profiles are active.

A service without `profiles` is always on; a service with profiles is on when one of them is
active, or when `*` is active. A service named on the command line has its profiles activated
(and so do the other services sharing them). Disabled services are returned apart, so the
consistency checks can tell "disabled" from "undefined".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

ALL_PROFILES = "*"


def service_profiles(service: Any) -> list[str]:
    """A service's profiles (none when the service or its `profiles` is not what we expect)."""
    if not isinstance(service, dict):
        return []
    profiles = service.get("profiles")
    if not isinstance(profiles, list):
        return []
    return [str(p) for p in profiles]


def enabled_profiles(
    services: dict[str, Any], active: Iterable[str], named: Iterable[str]
) -> set[str]:
    """The active profiles plus those of the services named on the command line."""
    enabled = set(active)
    for name in named:
        enabled.update(service_profiles(services.get(name)))
    return enabled


def is_enabled(service: Any, enabled: set[str]) -> bool:
    profiles = service_profiles(service)
    if not profiles or ALL_PROFILES in enabled:
        return True
    return any(profile in enabled for profile in profiles)


def apply_profiles(
    data: dict[str, Any], active: tuple[str, ...], services: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(`data` with only the enabled services, the disabled services by name).

    `data` itself is not changed; the result shares everything but the `services` mapping.
    """
    all_services = data.get("services")
    if not isinstance(all_services, dict):
        return data, {}
    enabled = enabled_profiles(all_services, active, services)
    kept: dict[str, Any] = {}
    disabled: dict[str, Any] = {}
    for name, service in all_services.items():
        (kept if is_enabled(service, enabled) else disabled)[name] = service
    if not disabled:
        return data, {}
    return {**data, "services": kept}, disabled
