"""Resource limits: container ulimits must fit the hard limits, which only root may raise."""

from __future__ import annotations

import resource

from composer.doctor import fixes
from composer.doctor.check import Check, ok, problem
from composer.doctor.context import Context
from composer.doctor.host import UNLIMITED

# Rootful Podman sets nofile and nproc to this when neither containers.conf nor the container
# says otherwise (rootless Podman clamps its defaults to its own limits instead).
PODMAN_DEFAULT_LIMIT = 1048576
DEFAULTED = ("nofile", "nproc")


def hard_limit(ctx: Context, name: str) -> int | None:
    """The highest value a container may get for rlimit `name`; None when unlimited or unknown.

    Podman lowers its own nproc limit to kernel.pid_max, so a container's nproc must fit both
    (seen with runc: nproc above pid_max fails although the hard limit is higher).
    """
    found = ctx.host.getrlimit(name)
    limit = None if found is None or found[1] == UNLIMITED else found[1]
    if name == "nproc":
        pid_max = ctx.sysctl("kernel.pid_max")
        if pid_max and pid_max.isdigit() and (limit is None or int(pid_max) < limit):
            limit = int(pid_max)
    return limit


def limit_text(ctx: Context, name: str, limit: int | None) -> str:
    """A hard limit for messages, saying when kernel.pid_max is what sets it."""
    if limit is None:
        return "unlimited"
    found = ctx.host.getrlimit(name)
    if name == "nproc" and found is not None and (found[1] == UNLIMITED or found[1] > limit):
        return f"{limit} (kernel.pid_max)"
    return str(limit)


def exceeds(value: int, limit: int | None) -> bool:
    """A ulimit value (-1: unlimited) that the host cannot grant."""
    return limit is not None and (value == UNLIMITED or value > limit)


def rlimit_error(ctx: Context, name: str) -> str:
    """The runtime's own words when setting rlimit `name` is refused."""
    if ctx.info.get("host", "ociRuntime", "name") == "crun":
        return f"setrlimit `RLIMIT_{name.upper()}`: Operation not permitted"
    number = getattr(resource, f"RLIMIT_{name.upper()}", "?")
    return f"error setting rlimit type {number}: operation not permitted"


def parse_ulimit(text: str) -> tuple[str, int, int] | None:
    """`nofile=1024:2048` or `nofile=1024` -> (name, soft, hard)."""
    name, _, values = text.partition("=")
    soft, _, hard = values.partition(":")
    try:
        return name.strip(), int(soft), int(hard or soft)
    except ValueError:
        return None


def configured_ulimits(ctx: Context) -> list[str]:
    value = ctx.containers_conf.get("containers", "default_ulimits")
    return [str(item) for item in value] if isinstance(value, list) else []


def _defaults(ctx: Context) -> dict[str, tuple[int, int, str]]:
    """The nofile/nproc every container starts with, and where they come from."""
    where = f"from {ctx.containers_conf.origin('containers', 'default_ulimits')}"
    found = {}
    for entry in configured_ulimits(ctx):
        parsed = parse_ulimit(entry)
        if parsed is not None:
            found[parsed[0]] = (parsed[1], parsed[2], where)
    if ctx.who.is_root:
        for name in DEFAULTED:
            found.setdefault(name, (PODMAN_DEFAULT_LIMIT, PODMAN_DEFAULT_LIMIT, "Podman's default"))
    return found


def _clamped(name: str, soft: int, hard: int, limit: int | None) -> str:
    if limit is None or not (exceeds(soft, limit) or exceeds(hard, limit)):
        return f"{name}={soft}:{hard}"
    return f"{name}={limit if exceeds(soft, limit) else soft}:{limit}"


def fitting_entries(ctx: Context, limits: dict[str, int | None]) -> list[str]:
    """default_ulimits with every entry brought within the hard limits."""
    entries, seen = [], set()
    for entry in configured_ulimits(ctx):
        parsed = parse_ulimit(entry)
        if parsed is None or parsed[0] not in limits:
            entries.append(entry)
            continue
        seen.add(parsed[0])
        entries.append(_clamped(*parsed, limits[parsed[0]]))
    if ctx.who.is_root:
        # Without an entry, rootful Podman would use its own default again.
        for name in DEFAULTED:
            limit = limits[name]
            if name not in seen and limit is not None:
                entries.append(f"{name}={limit}:{limit}")
    return entries


def check_ulimits(ctx: Context) -> list[Check]:
    if ctx.can_raise_limits:
        return [ok("ulimits", "root can raise hard limits here: Podman's default ulimits work")]
    defaults = _defaults(ctx)
    limits = {name: hard_limit(ctx, name) for name in (*DEFAULTED, *defaults)}
    shown_limits = ", ".join(f"{name} {limit_text(ctx, name, limits[name])}" for name in DEFAULTED)
    too_high = []
    for name, (soft, hard, where) in defaults.items():
        limit = limits[name]
        if exceeds(soft, limit) or exceeds(hard, limit):
            shown = limit_text(ctx, name, limit)
            too_high.append(
                (name, f"{name}={soft}:{hard} ({where}) is above the hard limit {shown}")
            )
    if not too_high:
        if not defaults:
            return [
                ok(
                    "ulimits",
                    f"rootless Podman keeps its defaults within the hard limits ({shown_limits})",
                )
            ]
        shown = ", ".join(f"{name}={soft}:{hard}" for name, (soft, hard, _) in defaults.items())
        return [ok("ulimits", f"{shown} fit the hard limits ({shown_limits})")]
    listed = ", ".join(f'"{entry}"' for entry in fitting_entries(ctx, limits))
    setting = f"default_ulimits = [{listed}]"
    action = fixes.dropin(ctx, fixes.ULIMITS_DROPIN, "containers", setting)
    reasons = "; ".join(text for _, text in too_high)
    return [
        problem(
            "ulimits",
            f'{reasons}: containers fail with "{rlimit_error(ctx, too_high[0][0])}"',
            fixes.describe(ctx, action, "containers", setting),
            action,
        )
    ]
