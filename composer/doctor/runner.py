"""Run every check in order, apply the safe local fixes, and run the checks again after them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from composer.doctor import fixes
from composer.doctor.check import Check, Status
from composer.doctor.checks_engine import check_cgroups, check_oci_runtime, check_storage
from composer.doctor.checks_limits import check_ulimits
from composer.doctor.checks_network import (
    check_dns,
    check_low_ports,
    check_network_tool,
    check_ping,
    check_tun,
)
from composer.doctor.checks_podman import check_podman, check_quadlet, check_socket
from composer.doctor.checks_project import PROJECT_CHECKS, ProjectView
from composer.doctor.checks_system import (
    check_containers_conf,
    check_healthchecks,
    check_lingering,
    check_registries,
    check_selinux,
)
from composer.doctor.checks_user import (
    check_newgidmap,
    check_newuidmap,
    check_runtime_dir,
    check_subgid,
    check_subuid,
    check_user,
    check_user_namespaces,
)
from composer.doctor.context import Context

HostCheck = Callable[[Context], list[Check]]

# The order of the output: Podman first, then what rootless Podman needs, then the engine.
HOST_CHECKS: tuple[HostCheck, ...] = (
    check_podman,
    check_quadlet,
    check_socket,
    check_user,
    check_runtime_dir,
    check_user_namespaces,
    check_subuid,
    check_subgid,
    check_newuidmap,
    check_newgidmap,
    check_network_tool,
    check_tun,
    check_ping,
    check_dns,
    check_low_ports,
    check_containers_conf,
    check_cgroups,
    check_oci_runtime,
    check_ulimits,
    check_storage,
    check_selinux,
    check_registries,
    check_lingering,
    check_healthchecks,
)


@dataclass(frozen=True)
class Applied:
    """A local fix --fix applied (error None) or tried to."""

    name: str
    path: str
    summary: str
    error: str | None = None


@dataclass(frozen=True)
class Report:
    """The final state of every check, and the fixes applied on the way."""

    checks: list[Check]
    applied: list[Applied] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for check in self.checks if check.status is status)

    @property
    def exit_code(self) -> int:
        return 1 if self.count(Status.PROBLEM) else 0


def run_checks(ctx: Context, view: ProjectView | None = None) -> list[Check]:
    found = [check for host_check in HOST_CHECKS for check in host_check(ctx)]
    if view is not None:
        found += [check for project_check in PROJECT_CHECKS for check in project_check(ctx, view)]
    return found


def apply_fixes(ctx: Context, checks: list[Check]) -> list[Applied]:
    """Apply each check's local fix once; warnings' fixes too, as they are just as safe."""
    applied = []
    seen: set[str] = set()
    for check in checks:
        action = check.action
        if action is None or check.status is Status.OK or action.path in seen:
            continue
        seen.add(action.path)
        error = fixes.apply(ctx.host, action)
        applied.append(Applied(check.name, action.path, action.summary, error))
    return applied


def diagnose(
    make_context: Callable[[], Context], view: ProjectView | None = None, fix: bool = False
) -> Report:
    """Check; with fix, apply the local fixes and check again with fresh readings."""
    checks = run_checks(make_context(), view)
    if not fix:
        return Report(checks)
    ctx = make_context()
    applied = apply_fixes(ctx, checks)
    if applied:
        checks = run_checks(make_context(), view)
    return Report(checks, applied)
