"""One replica of a service as a ContainerSpec: everything Podman can do, passed through.

In `shared` pod mode the pod owns the network namespace, so the container carries no ports,
networks, DNS or extra hosts of its own (Podman refuses them) and no user namespace (Podman
refuses `--userns` with `--pod`: the pod carries it).
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.model import Service
from composer.plan import labels, names
from composer.plan.file_copies import file_copies
from composer.plan.podman_secrets import podman_secrets
from composer.plan.ports import expose_specs, port_specs
from composer.plan.translate_context import PlanContext
from composer.plan.translate_settings import (
    device_rule_specs,
    device_specs,
    healthcheck_spec,
    log_spec,
    mount_specs,
    resources_spec,
    restart_spec,
    ulimit_specs,
)
from composer.references import CONTAINER_PREFIX, namespace_service, volumes_from_service
from composer.specs import ContainerSpec, HostEntry, NetworkAttachment, PortSpec


@dataclass(frozen=True)
class Networking:
    """What a container owns of its network namespace (nothing when the pod owns it)."""

    networks: tuple[NetworkAttachment, ...] = ()
    ports: tuple[PortSpec, ...] = ()
    expose: tuple[PortSpec, ...] = ()
    dns: tuple[str, ...] = ()
    dns_search: tuple[str, ...] = ()
    dns_opt: tuple[str, ...] = ()
    extra_hosts: tuple[HostEntry, ...] = ()
    network_mode: str = ""


def service_image(ctx: PlanContext, service: Service) -> str:
    """The image a service runs: its `image`, or the `<project>-<service>` that `build` makes."""
    return service.image or names.built_image_name(ctx.project.name, service.name)


def container_spec(ctx: PlanContext, service: Service, number: int) -> ContainerSpec:
    """Replica `number` (1-based) of `service`."""
    name = ctx.container_name(service.name, number)
    shared = ctx.pod_mode == "shared"
    networking = Networking() if shared else own_networking(ctx, service, name)
    return ContainerSpec(
        name=name,
        image=service_image(ctx, service),
        pod=_pod(ctx, service),
        command=service.command,
        entrypoint=service.entrypoint,
        env={key: value for key, value in service.environment.items() if value is not None},
        working_dir=service.working_dir or "",
        user=service.user or "",
        hostname=service.hostname or "",
        domainname=service.domainname or "",
        labels=container_labels(ctx, service, number),
        annotations=dict(service.annotations),
        cap_add=service.cap_add,
        cap_drop=service.cap_drop,
        privileged=service.privileged,
        devices=device_specs(service),
        init=bool(service.init),
        ulimits=ulimit_specs(service),
        sysctls=dict(service.sysctls),
        security_opt=service.security_opt,
        read_only=service.read_only,
        shm_size=service.shm_size,
        stop_signal=service.stop_signal or "",
        stop_timeout=None if service.stop_grace_period is None else int(service.stop_grace_period),
        tty=service.tty,
        stdin_open=service.stdin_open,
        restart=restart_spec(service),
        healthcheck=healthcheck_spec(service.healthcheck),
        logging=log_spec(service.logging),
        resources=resources_spec(service),
        tmpfs=service.tmpfs,
        mounts=mount_specs(ctx, service),
        userns="" if shared else service.userns_mode or "",
        ipc=_ipc(ctx, service),
        pid=ctx.namespace(service.pid),
        group_add=service.group_add,
        volumes_from=tuple(volumes_from(ctx, entry) for entry in service.volumes_from),
        networks=networking.networks,
        ports=networking.ports,
        expose=networking.expose,
        dns=networking.dns,
        dns_search=networking.dns_search,
        dns_opt=networking.dns_opt,
        extra_hosts=networking.extra_hosts,
        network_mode=networking.network_mode,
        uts=service.uts or "",
        cgroupns=service.cgroup or "",
        cgroup_parent=service.cgroup_parent or "",
        oom_score_adj=service.oom_score_adj,
        device_cgroup_rules=device_rule_specs(service),
        oci_runtime=service.runtime or "",
        storage_opt=dict(service.storage_opt),
        copies=file_copies(ctx.project, service),
        secrets=podman_secrets(ctx.project, service),
    )


def _ipc(ctx: PlanContext, service: Service) -> str:
    """The ipc namespace; in shared mode the pod shares ipc, so `service:x` is already true."""
    if ctx.pod_mode == "shared" and namespace_service(service.ipc):
        return ""
    return ctx.namespace(service.ipc)


def _pod(ctx: PlanContext, service: Service) -> str:
    """The pod a container joins; in `separate` mode one with userns_mode stays outside.

    Podman refuses `--userns` with `--pod`, and a pod without infra has no user namespace of
    its own to give; the separate pod only groups containers, so nothing else is lost.
    """
    if ctx.pod_mode == "separate" and service.userns_mode:
        return ""
    return ctx.pod


def container_labels(ctx: PlanContext, service: Service, number: int) -> dict[str, str]:
    project = ctx.project
    return labels.container_labels(
        project=project.name,
        service=service.name,
        number=number,
        config_hash=service.config_hash or "",
        working_dir=project.working_dir,
        config_files=project.files,
        depends_on={dep.service: (dep.condition, dep.restart) for dep in service.dependencies()},
        image_id=ctx.image_ids.get(service.name),
        user_labels=service.labels,
    )


def volumes_from(ctx: PlanContext, entry: str) -> str:
    """`svc[:ro]` -> `<first container of svc>[:ro]`; `container:name[:ro]` -> `name[:ro]`."""
    source = volumes_from_service(entry)
    if source is None:
        return entry.removeprefix(CONTAINER_PREFIX)
    _, sep, mode = entry.partition(":")
    return ctx.first_container(source) + sep + mode


def own_networking(ctx: PlanContext, service: Service, name: str) -> Networking:
    """`separate` and `none` modes: the container's own networks, ports and DNS."""
    return Networking(
        networks=network_attachments(ctx, service, name),
        ports=port_specs(service.ports),
        expose=expose_specs(service.expose),
        dns=service.dns,
        dns_search=service.dns_search,
        dns_opt=service.dns_opt,
        extra_hosts=tuple(HostEntry(e.hostname, e.address) for e in service.extra_hosts),
        network_mode=ctx.namespace(service.network_mode),
    )


def network_attachments(
    ctx: PlanContext, service: Service, name: str
) -> tuple[NetworkAttachment, ...]:
    """Each network with the aliases: service name, container name, its aliases, link aliases.

    Highest priority first (then by key); a service-level mac_address goes to the first.
    """
    ordered = sorted(service.networks.items(), key=lambda item: (-item[1].priority, item[0]))
    links = ctx.link_aliases(service.name)
    attachments = []
    for index, (key, network) in enumerate(ordered):
        aliases = dict.fromkeys([service.name, name, *network.aliases, *links])
        mac = network.mac_address or (service.mac_address if index == 0 else None)
        attachments.append(
            NetworkAttachment(
                name=ctx.network_name(key),
                aliases=tuple(aliases),
                ipv4_address=network.ipv4_address or "",
                ipv6_address=network.ipv6_address or "",
                mac_address=mac or "",
                interface_name=network.interface_name or "",
            )
        )
    return tuple(attachments)
