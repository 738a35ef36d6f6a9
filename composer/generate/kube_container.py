"""One container of a Pod, from the ContainerSpec `up` would create and the service it came from.

Both flavours share this; they differ in ports (the podman flavour publishes host ports, the
cluster flavour leaves that to Services) and in probes (see kube_probes).
"""

from __future__ import annotations

from typing import Any

from composer.generate.kube_context import KubeContext, quantity_bytes, quantity_cpus
from composer.generate.kube_files import file_mounts
from composer.generate.kube_probes import probes
from composer.generate.kube_storage import PodVolumes, volume_mounts
from composer.model import Service
from composer.plan.ports import expose_specs
from composer.specs import ContainerSpec, ResourcesSpec

PULL_POLICY = {
    "always": "Always",
    "never": "Never",
    "missing": "IfNotPresent",
    "if_not_present": "IfNotPresent",
    "build": "IfNotPresent",
}


def container(
    ctx: KubeContext, name: str, service: Service, spec: ContainerSpec, volumes: PodVolumes
) -> dict[str, Any]:
    """The container dict, keys in the order kubectl shows them."""
    found: dict[str, Any] = {"name": name, "image": spec.image}
    found.update(_command(ctx, service, spec))
    if spec.working_dir:
        found["workingDir"] = spec.working_dir
    if spec.env:
        found["env"] = [
            {"name": key, "value": _escaped(ctx, value)} for key, value in spec.env.items()
        ]
    ports = container_ports(ctx, service)
    if ports:
        found["ports"] = ports
    resources = _resources(spec.resources, reserved_cpus(service))
    if resources:
        found["resources"] = resources
    security = _security_context(service, spec)
    if security:
        found["securityContext"] = security
    found.update(probes(ctx, service))
    lifecycle = _lifecycle(service)
    if lifecycle and ctx.flavor == "cluster":
        found["lifecycle"] = lifecycle
    mounts = volume_mounts(ctx, service, spec.mounts, volumes) + file_mounts(ctx, service, volumes)
    if mounts:
        found["volumeMounts"] = mounts
    if service.pull_policy in PULL_POLICY and not (
        ctx.flavor == "cluster" and service.pull_policy == "build"
    ):
        found["imagePullPolicy"] = PULL_POLICY[service.pull_policy]
    if spec.tty:
        found["tty"] = True
    if spec.stdin_open:
        found["stdin"] = True
    return found


def _escaped(ctx: KubeContext, text: str) -> str:
    """The kubelet expands `$(VAR)` in env, command and args; `$$` keeps a `$` literal."""
    return text.replace("$(", "$$(") if ctx.flavor == "cluster" else text


def _command(ctx: KubeContext, service: Service, spec: ContainerSpec) -> dict[str, Any]:
    """compose `entrypoint` is Kubernetes `command`, compose `command` is `args`."""
    found: dict[str, Any] = {}
    entrypoint, command = spec.entrypoint, spec.command
    if entrypoint == () and command is None:
        ctx.unmapped(
            service.name,
            "entrypoint []",
            "(no entrypoint and the image's command) has no Kubernetes equivalent; left out",
        )
    elif entrypoint == ():
        found["command"] = [_escaped(ctx, word) for word in command or ()]
        return found
    elif entrypoint is not None:
        found["command"] = [_escaped(ctx, word) for word in entrypoint]
    if command is not None:
        found["args"] = [_escaped(ctx, word) for word in command]
    return found


def container_ports(ctx: KubeContext, service: Service) -> list[dict[str, Any]]:
    """containerPort for each published and exposed port; hostPort in the podman flavour."""
    found: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str, str]] = set()
    for port in service.ports:
        published = port.published_range
        entry: dict[str, Any] = {"containerPort": port.target}
        if ctx.flavor == "podman" and published:
            # A host range for one container port takes its first port, as `up` does.
            entry["hostPort"] = published[0]
            if port.host_ip:
                entry["hostIP"] = port.host_ip
        entry["protocol"] = port.protocol.upper()
        _append(found, seen, entry)
        if ctx.flavor == "podman" and not published:
            ctx.unmapped(
                service.name,
                f"ports {port.target}",
                "(a random host port) is not published by podman play kube; left out",
            )
        if ctx.flavor == "cluster" and port.host_ip:
            ctx.unmapped(
                service.name,
                f"ports {port.host_ip}:{port.published}",
                "(a host address) has no Kubernetes equivalent; left out",
            )
    for exposed in expose_specs(service.expose):
        entry = {"containerPort": exposed.container_port, "protocol": exposed.protocol.upper()}
        _append(found, seen, entry)
    return found


def _append(
    found: list[dict[str, Any]], seen: set[tuple[int, int, str, str]], entry: dict[str, Any]
) -> None:
    key = (
        entry["containerPort"],
        entry.get("hostPort", 0),
        entry.get("hostIP", ""),
        entry["protocol"],
    )
    if key not in seen:
        seen.add(key)
        found.append(entry)


def _resources(spec: ResourcesSpec, reserved: float | None) -> dict[str, Any]:
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    if reserved:
        requests["cpu"] = quantity_cpus(reserved)
    if spec.cpus:
        limits["cpu"] = quantity_cpus(spec.cpus)
    if spec.memory_limit:
        limits["memory"] = quantity_bytes(spec.memory_limit)
    if spec.memory_reservation:
        requests["memory"] = quantity_bytes(spec.memory_reservation)
    found: dict[str, Any] = {}
    if limits:
        found["limits"] = limits
    if requests:
        found["requests"] = requests
    return found


def reserved_cpus(service: Service) -> float | None:
    deploy = service.deploy
    reservations = deploy.resources.reservations if deploy and deploy.resources else None
    return reservations.cpus if reservations else None


def _security_context(service: Service, spec: ContainerSpec) -> dict[str, Any]:
    found: dict[str, Any] = {}
    user, _, group = spec.user.partition(":")
    if user.isdigit():
        found["runAsUser"] = int(user)
    if group.isdigit():
        found["runAsGroup"] = int(group)
    if spec.privileged:
        found["privileged"] = True
    options = [opt.replace("=", ":") for opt in spec.security_opt]
    if not spec.privileged and any(opt.startswith("no-new-privileges") for opt in options):
        found["allowPrivilegeEscalation"] = False
    if "seccomp:unconfined" in options:
        found["seccompProfile"] = {"type": "Unconfined"}
    capabilities: dict[str, list[str]] = {}
    if spec.cap_add:
        capabilities["add"] = [_capability(name) for name in spec.cap_add]
    if spec.cap_drop:
        capabilities["drop"] = [_capability(name) for name in spec.cap_drop]
    if capabilities:
        found["capabilities"] = capabilities
    if spec.read_only:
        found["readOnlyRootFilesystem"] = True
    return found


def _capability(name: str) -> str:
    """Kubernetes names capabilities without the CAP_ prefix (`NET_ADMIN`, `ALL`)."""
    upper = name.upper()
    return upper.removeprefix("CAP_")


def _lifecycle(service: Service) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if service.post_start:
        found["postStart"] = {"exec": {"command": list(service.post_start[0].command)}}
    if service.pre_stop:
        found["preStop"] = {"exec": {"command": list(service.pre_stop[0].command)}}
    return found
