"""The start order as levels, for `up --dry-run`: each level needs only the levels before it.

The executor does not wait level by level (a service starts as soon as what it needs is up);
the levels show which services can start together and what waits for what.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def start_levels(
    services: Sequence[str], needs: Mapping[str, Mapping[str, object]]
) -> list[list[str]]:
    """Services grouped by depth: level 1 needs nothing, level n needs something of n-1.

    Dependencies outside `services` are not waited for and do not count. `services` must be
    free of cycles (the plan refuses them before this is asked).
    """
    known = set(services)
    depth: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in depth:
            inner = [level(dep) for dep in needs.get(name, {}) if dep in known and dep != name]
            depth[name] = 1 + max(inner, default=0)
        return depth[name]

    for name in services:
        level(name)
    levels: list[list[str]] = [[] for _ in range(max(depth.values(), default=0))]
    for name in sorted(depth):
        levels[depth[name] - 1].append(name)
    return levels


def start_order_lines(
    services: Sequence[str], needs: Mapping[str, Mapping[str, object]]
) -> list[str]:
    """Shell comments, so that the dry run's output stays a script that could be run."""
    levels = start_levels(services, needs)
    if not levels:
        return []
    lines = ["# start order (each level starts once what it needs from the levels above is up):"]
    lines += [f"#   {number}. {', '.join(names)}" for number, names in enumerate(levels, start=1)]
    return lines
