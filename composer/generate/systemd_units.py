"""`composer systemd --format units`: plain systemd service units, for every Podman version.

The pod unit creates the pod (`--replace`, infra PID file, Type=forking; a oneshot without
infra in separate mode), each container unit runs `podman run` with the very flags `--dry-run`
shows for `up` (`--sdnotify=conmon`, `--cidfile` under %t, `--replace`, Type=notify), oneshot
units create networks and volumes, and `<project>.target` wants them all.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, replace

from composer.generate.systemd_model import (
    ContainerUnit,
    HealthWait,
    NetworkUnit,
    PodUnit,
    Scope,
    SystemdProject,
    Version,
    VolumeUnit,
)
from composer.generate.unit_text import Section, Specifier, UnitFile, Word, escape_value, exec_line
from composer.model.parts import ServiceHook
from composer.plan.render import hook_argv, network_create_argv, pod_create_argv, volume_create_argv
from composer.plan.render_container import create_argv

# Podman needs this long on top of the container's own stop timeout to clean up.
STOP_MARGIN = 60
START_TIMEOUT = 90  # systemd's default start timeout
DEFAULT_POD_STOP = 10
WAIT_HEALTHY_SINCE: Version = (4, 6)  # `podman wait --condition=healthy`
# Before 4.4 Podman stops a container's healthcheck timer with its dependencies, which at
# shutdown waits for the very unit being stopped (containers/podman#16683, fixed by #16785).
TIMER_FIX_SINCE: Version = (4, 4)
CIDFILE = Specifier("%t/%n.ctr-id")


@dataclass(frozen=True)
class Host:
    """Where and for what the units are written: absolute binaries, scope, Podman version."""

    podman: str
    rm: str
    sh: str
    sleep: str
    mkdir: str
    cat: str = "/usr/bin/cat"
    systemctl: str = "/usr/bin/systemctl"
    scope: Scope = "system"
    podman_version: Version = (4, 3)

    @property
    def wanted_by(self) -> str:
        return "multi-user.target" if self.scope == "system" else "default.target"


def write_units(project: SystemdProject, host: Host) -> list[UnitFile]:
    """Every file, sorted by name; the target last."""
    files = [network_unit(n, project, host) for n in project.networks]
    files += [volume_unit(v, project, host) for v in project.volumes]
    if project.pod is not None:
        files.append(pod_unit(project.pod, project, host))
    files += [container_unit(c, project, host) for c in project.containers]
    return [*sorted(files, key=lambda f: f.name), target_unit(project, host)]


def target_unit(project: SystemdProject, host: Host) -> UnitFile:
    file = UnitFile(project.target, project.project)
    unit = file.section("Unit").add("Description", f"composer project {project.project}")
    unit.extend("Wants", project.units())
    file.section("Install").add("WantedBy", host.wanted_by)
    return file


def _common_unit(file: UnitFile, project: SystemdProject, host: Host, what: str) -> Section:
    unit = file.section("Unit").add("Description", escape_value(f"{project.project}: {what}"))
    if host.scope == "system":
        unit.add("Wants", "network-online.target").add("After", "network-online.target")
    return unit


def _member_of(unit: Section, project: SystemdProject) -> None:
    """Stopping the target stops the unit; the target is reached once the unit is up."""
    unit.add("PartOf", project.target).add("Before", project.target)


def _oneshot(file: UnitFile) -> Section:
    return file.section("Service").add("Type", "oneshot").add("RemainAfterExit", "yes")


def network_unit(network: NetworkUnit, project: SystemdProject, host: Host) -> UnitFile:
    """Create the network unless it exists (4.3's `network create` has no --ignore)."""
    file = UnitFile(network.unit, project.project)
    _member_of(_common_unit(file, project, host, f"network {network.spec.name}"), project)
    argv = network_create_argv(network.spec)
    service = _oneshot(file)
    service.add("ExecStart", "-" + exec_line([host.podman, *argv[1:3]], argv[3:-1], argv[-1:]))
    service.add("ExecStart", exec_line([host.podman, "network", "exists", network.spec.name]))
    return file


def volume_unit(volume: VolumeUnit, project: SystemdProject, host: Host) -> UnitFile:
    """Create the volume unless it exists; stopping never removes it (the data stays)."""
    file = UnitFile(volume.unit, project.project)
    _member_of(_common_unit(file, project, host, f"volume {volume.spec.name}"), project)
    argv = volume_create_argv(volume.spec)
    service = _oneshot(file)
    service.add("ExecStart", "-" + exec_line([host.podman, *argv[1:3]], argv[3:-1], argv[-1:]))
    service.add("ExecStart", exec_line([host.podman, "volume", "exists", volume.spec.name]))
    return file


def pod_unit(pod: PodUnit, project: SystemdProject, host: Host) -> UnitFile:
    file = UnitFile(pod.unit, project.project)
    unit = _common_unit(file, project, host, f"pod {pod.spec.name}")
    unit.add("RequiresMountsFor", "%t/containers")
    for network in pod.networks:
        unit.add("Requires", network).add("After", network)
    _member_of(unit, project)
    argv = pod_create_argv(pod.spec)
    if not pod.spec.infra:
        # Without an infra container there is no process to follow: the pod is only a group.
        service = _oneshot(file)
        service.add("ExecStart", exec_line([host.podman, *argv[1:3]], ["--replace", *argv[3:]]))
        stop = [host.podman, "pod", "rm", "--ignore", "--force", pod.spec.name]
        service.add("ExecStop", exec_line(stop))
        return file
    pidfile, idfile = Specifier("%t/%N.pid"), Specifier("%t/%N.pod-id")
    service = file.section("Service").add("Environment", "PODMAN_SYSTEMD_UNIT=%n")
    service.add("Restart", "on-failure").add("TimeoutStopSec", str(DEFAULT_POD_STOP + STOP_MARGIN))
    service.add("ExecStartPre", exec_line([host.rm, "-f", pidfile, idfile]))
    create = ["--infra-conmon-pidfile", pidfile, "--pod-id-file", idfile, "--replace", *argv[3:]]
    service.add("ExecStartPre", exec_line([host.podman, *argv[1:3]], create))
    service.add("ExecStart", exec_line([host.podman, "pod", "start"], ["--pod-id-file", idfile]))
    stop = ["--ignore", "--pod-id-file", idfile, "--time", str(DEFAULT_POD_STOP)]
    service.add("ExecStop", exec_line([host.podman, "pod", "stop"], stop))
    remove = ["--ignore", "--force", "--pod-id-file", idfile]
    service.add("ExecStopPost", exec_line([host.podman, "pod", "rm"], remove))
    service.add("PIDFile", str(pidfile)).add("Type", "forking")
    return file


def container_unit(container: ContainerUnit, project: SystemdProject, host: Host) -> UnitFile:
    file = UnitFile(container.unit, project.project)
    what = f"service {container.service} (container {container.spec.name})"
    unit = _common_unit(file, project, host, what)
    unit.add("RequiresMountsFor", "%t/containers")
    dependencies(unit, container, project)
    _member_of(unit, project)
    start_limit(unit, container)
    service = file.section("Service").add("Environment", "PODMAN_SYSTEMD_UNIT=%n")
    restart = {"no": "no", "on-failure": "on-failure"}.get(container.restart.policy, "always")
    service.add("Restart", restart)
    service.add("TimeoutStopSec", str(container.stop_timeout + STOP_MARGIN))
    waited = sum(wait.seconds for wait in container.health_waits)
    if waited:
        service.add("TimeoutStartSec", f"{int(waited) + START_TIMEOUT}")
    service.add("ExecStartPre", exec_line([host.rm, "-f", CIDFILE]))
    for source in bind_sources(container):
        # `-`: a source that is a file is fine as it is; Podman reports anything missing.
        service.add("ExecStartPre", "-" + exec_line([host.mkdir, "-p", source]))
    for wait in container.health_waits:
        service.add("ExecStartPre", health_wait_line(wait, host))
    service.add("ExecStart", exec_line(*run_argv(container, host)))
    for hook in container.post_start:
        service.add("ExecStartPost", hook_line(hook, container.spec.name, host))
    for hook in container.pre_stop:
        service.add("ExecStop", hook_line(hook, container.spec.name, host))
    if not container.oneshot:
        if host.podman_version < TIMER_FIX_SINCE:
            service.add("ExecStop", "-" + stop_health_timer_line(host))
        stop = ["--ignore", "--time", str(container.stop_timeout), "--cidfile", CIDFILE]
        service.add("ExecStop", exec_line([host.podman, "stop"], stop))
    remove = ["--ignore", "--force", "--time", str(container.stop_timeout), "--cidfile", CIDFILE]
    service.add("ExecStopPost", exec_line([host.podman, "rm"], remove))
    if container.oneshot:
        service.add("Type", "oneshot").add("RemainAfterExit", "yes")
    else:
        service.add("SuccessExitStatus", " ".join(stopped_statuses(container.spec.stop_signal)))
        service.add("Type", "notify").add("NotifyAccess", "all")
    return file


def stopped_statuses(stop_signal: str) -> list[str]:
    """Exit codes of a container its stop signal ended (128 + signal): a stop, not a failure."""
    codes = [128 + signal.SIGTERM]
    name = stop_signal.upper()
    number = int(name) if name.isdigit() else None
    if number is None and name:
        found = getattr(signal, name if name.startswith("SIG") else f"SIG{name}", None)
        number = int(found) if isinstance(found, signal.Signals) else None
    if number:
        codes.append(128 + number)
    return [str(code) for code in dict.fromkeys(codes)]


def dependencies(
    unit: Section, container: ContainerUnit, project: SystemdProject, *, pod: bool = True
) -> None:
    """Requires/Wants/After the units it needs; bound to the pod (Quadlet's Pod= does that)."""
    if pod and project.pod is not None and container.spec.pod:
        unit.add("BindsTo", project.pod.unit).add("After", project.pod.unit)
    for needed in (*container.networks, *container.volumes):
        unit.add("Requires", needed).add("After", needed)
    for need in container.needs:
        unit.add("Requires" if need.required else "Wants", need.unit).add("After", need.unit)
        if need.bound:
            unit.add("BindsTo", need.unit)
        if need.restart:
            unit.add("PartOf", need.unit)


def start_limit(unit: Section, container: ContainerUnit) -> None:
    """`on-failure:N`: at most N restarts (systemd counts the first start too)."""
    retries = container.restart.max_retries
    if container.restart.policy == "on-failure" and retries:
        unit.add("StartLimitIntervalSec", "infinity").add("StartLimitBurst", str(retries + 1))


def bind_sources(container: ContainerUnit) -> list[str]:
    """Bind sources `up` creates when missing (`create_host_path`, the short syntax's default)."""
    binds = [m for m in container.spec.mounts if m.type == "bind" and m.create_host_path]
    return list(dict.fromkeys(m.source for m in binds if m.source))


def run_argv(container: ContainerUnit, host: Host) -> tuple[list[Word], list[Word], list[Word]]:
    """`podman run` for the unit: `up`'s create flags, plus what systemd needs to follow it.

    The restart policy moves to systemd's Restart= (a container that restarts itself would
    outlive its unit); env files are read by Podman, by path.
    """
    spec = replace(container.spec, restart=replace(container.spec.restart, policy="no"))
    argv = create_argv(spec)
    tail_length = 1 + len(spec.command or ())
    options, tail = argv[2:-tail_length], argv[-tail_length:]
    unit_flags: list[Word] = ["--cidfile", CIDFILE, "--cgroups", "no-conmon", "--replace"]
    if not container.oneshot:
        unit_flags += ["--rm", "--sdnotify", "conmon", "--detach"]
    unit_flags += [f"--pull={container.pull}"] if container.pull else []
    for path in container.env_files:
        unit_flags += ["--env-file", path]
    return [host.podman, "run"], [*unit_flags, *options], list(tail)


def stop_health_timer_line(host: Host) -> str:
    """Stop the container's healthcheck timer first, on its own (Podman 4.3's shutdown hang)."""
    scope = " --user" if host.scope == "user" else ""
    script = (
        f"id=$({host.cat} %t/%n.ctr-id) && exec {host.systemctl}{scope} "
        '--job-mode=ignore-dependencies stop "$id.timer" "$id.service"'
    )
    return exec_line([host.sh, "-c"], tail=[Specifier(script)])


def health_wait_line(wait: HealthWait, host: Host) -> str:
    """Wait until a dependency is healthy: `podman wait` where it can, else run the check."""
    if host.podman_version >= WAIT_HEALTHY_SINCE:
        return exec_line([host.podman, "wait"], ["--condition", "healthy"], [wait.container])
    script = f"until {host.podman} healthcheck run {wait.container}; do {host.sleep} 1; done"
    return exec_line([host.sh, "-c"], tail=[script])


def hook_line(hook: ServiceHook, container: str, host: Host) -> str:
    """`podman exec` for a post_start or pre_stop hook, as `--dry-run` shows it."""
    argv = hook_argv(container, hook)
    split = len(argv) - len(hook.command) - 1
    return exec_line([host.podman, "exec"], argv[2:split], argv[split:])
