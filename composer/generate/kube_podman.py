"""The podman flavour: what `podman play kube` runs on one host, as `up` would run it.

In `shared` pod mode the project is one Pod, as under `up`: every service a container of it,
service and container names in its /etc/hosts as 127.0.0.1, the published ports on the
containers that publish them. In `separate` and `none` modes each service (each replica) is a
Pod of its own; Pods reach each other by their Pod names on the network they are played on.
"""

from __future__ import annotations

from typing import Any

from composer.generate.kube_container import container
from composer.generate.kube_context import KubeContext
from composer.generate.kube_names import dns_label, label_value
from composer.generate.kube_pod import (
    pod_annotations,
    pod_spec,
    restart_policy,
    shared_restart_policy,
)
from composer.generate.kube_storage import PodVolumes
from composer.plan import labels
from composer.specs import HostEntry

USERNS_ANNOTATION = "io.podman.annotations.userns"


def podman_objects(ctx: KubeContext) -> None:
    """Add the flavour's Pods (and, through the storage modules, claims and files)."""
    if ctx.plan.pod_mode == "shared":
        _shared_pod(ctx)
    else:
        for name in ctx.plan.services:
            _service_pods(ctx, name)


def _pod_labels(ctx: KubeContext, service: str | None = None) -> dict[str, str]:
    """app.kubernetes.io labels plus the project's, which Podman copies onto the containers."""
    found = {**ctx.names.labels(service), **labels.project_labels(ctx.project.name)}
    if service is not None:
        found[labels.SERVICE] = label_value(service)
        found[labels.PODMAN_SERVICE] = label_value(service)
    return found


def _pod(
    ctx: KubeContext,
    name: str,
    meta_labels: dict[str, str],
    notes: dict[str, str],
    spec: dict[str, Any],
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": ctx.metadata(name, meta_labels, annotations=notes),
        "spec": spec,
    }


def _shared_pod(ctx: KubeContext) -> None:
    plan = ctx.plan
    volumes = PodVolumes()
    containers: list[dict[str, Any]] = []
    policies: dict[str, str] = {}
    services = []
    for name in plan.services:
        specs = plan.containers[name]
        if not specs:
            continue
        service = ctx.project.services[name]
        services.append(service)
        policies[name] = restart_policy(specs[0].restart)
        for number, spec in enumerate(specs, start=1):
            cname = ctx.names.container(name, number, len(specs))
            containers.append(container(ctx, cname, service, spec, volumes))
    if not containers:
        return
    restart = shared_restart_policy(ctx, policies)
    hosts = plan.pod.hosts if plan.pod else ()
    body = pod_spec(ctx, services, containers, volumes, restart=restart, hosts=hosts)
    notes = pod_annotations(ctx, services)
    if plan.pod and plan.pod.userns:
        notes[USERNS_ANNOTATION] = plan.pod.userns
    ctx.add(_pod(ctx, ctx.names.shared_pod(), _pod_labels(ctx), notes, body))


def _own_pod_names(ctx: KubeContext, name: str, pod: str) -> None:
    """Aliases resolve in a shared Pod's /etc/hosts; a Pod of its own is found by its name."""
    service = ctx.project.services[name]
    for key, network in sorted(service.networks.items()):
        if network.aliases:
            ctx.unmapped(
                name, f"networks.{key}.aliases", f'do not resolve: other Pods reach it as "{pod}"'
            )
    for other in ctx.project.services.values():
        for link in other.links:
            target, _, alias = link.partition(":")
            if target == name and alias and alias != target:
                ctx.unmapped(other.name, f"links {link}", f'does not resolve: the Pod is "{pod}"')


def _service_pods(ctx: KubeContext, name: str) -> None:
    service = ctx.project.services[name]
    specs = ctx.plan.containers[name]
    _own_pod_names(ctx, name, ctx.names.workload(name))
    for number, spec in enumerate(specs, start=1):
        volumes = PodVolumes()
        box = container(ctx, ctx.names.container(name), service, spec, volumes)
        hosts = [HostEntry(entry.hostname, entry.address) for entry in service.extra_hosts]
        pod = pod_spec(
            ctx, [service], [box], volumes, restart=restart_policy(spec.restart), hosts=hosts
        )
        notes = pod_annotations(ctx, [service])
        if spec.userns:
            notes[USERNS_ANNOTATION] = spec.userns
        base = ctx.names.workload(name)
        pod_name = base if len(specs) == 1 else dns_label(base, str(number))
        ctx.add(_pod(ctx, pod_name, _pod_labels(ctx, name), notes, pod))
