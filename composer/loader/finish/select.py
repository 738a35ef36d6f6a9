"""Stage: keep the services named on the command line and what they depend on.

docker compose's `config web` prints `web` and its dependencies only; a `depends_on`
entry whose target is left out (a disabled service with `required: false`) goes too.
"""

from __future__ import annotations

from typing import Any

from composer.graph import closure


def dependencies_of(service: Any) -> list[str]:
    """The services `service` names in its (canonical, mapping) `depends_on`."""
    if not isinstance(service, dict):
        return []
    depends_on = service.get("depends_on")
    return [str(name) for name in depends_on] if isinstance(depends_on, dict) else []


def _without_missing_dependencies(service: Any, chosen: set[str]) -> Any:
    depends_on = service.get("depends_on") if isinstance(service, dict) else None
    if not isinstance(depends_on, dict) or all(name in chosen for name in depends_on):
        return service
    kept = {name: spec for name, spec in depends_on.items() if name in chosen}
    result = {key: value for key, value in service.items() if key != "depends_on"}
    if kept:
        result["depends_on"] = kept
    return result


def select_services(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """`data` with only `names` and their dependencies; unchanged when `names` is empty."""
    services = data.get("services")
    if not names or not isinstance(services, dict):
        return data
    needs = {name: dependencies_of(service) for name, service in services.items()}
    chosen = closure(needs, names)
    kept = {
        name: _without_missing_dependencies(service, chosen)
        for name, service in services.items()
        if name in chosen
    }
    return {**data, "services": kept}
